import type { ReactElement } from 'react'
import uPlot from 'uplot'
import type { ChartMarker, QueueChartColumns } from './chart-data'
import { useUPlotChart } from './use-uplot-chart'

const HEIGHT = 260
const COLORS = { ready: '#2563eb', unacked: '#d97706', consumers: '#059669', replicas: '#7c3aed' }

const OPTIONS = {
  scales: {
    x: { time: true },
    count: { range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, Math.max(4, max + 1)] }
  },
  axes: [{}, { label: 'messages' }, { side: 1, scale: 'count', label: 'consumers / replicas', grid: { show: false } }],
  series: [
    {},
    { label: 'Ready', stroke: COLORS.ready, width: 2 },
    { label: 'Unacked', stroke: COLORS.unacked, width: 2 },
    {
      label: 'Consumers',
      stroke: COLORS.consumers,
      width: 2,
      scale: 'count',
      paths: uPlot.paths.stepped?.({ align: 1 })
    },
    {
      label: 'Replicas',
      stroke: COLORS.replicas,
      width: 2,
      dash: [6, 3],
      scale: 'count',
      paths: uPlot.paths.stepped?.({ align: 1 })
    }
  ]
} satisfies Omit<uPlot.Options, 'width' | 'height'>

/** Depth (left axis) and consumers/replicas (right axis) over time, with scale/restart markers. */
export function QueueChart(props: { columns: QueueChartColumns; markers: ChartMarker[]; label: string }): ReactElement {
  const { columns, markers, label } = props
  const container = useUPlotChart(OPTIONS, HEIGHT, columns, markers)
  return <div className="queue-chart" ref={container} role="img" aria-label={label} />
}
