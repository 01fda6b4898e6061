import { useMemo } from 'react'
import type { ReactElement } from 'react'
import type uPlot from 'uplot'
import type { WatchRun } from '../../../shared/watch'
import { useUPlotChart } from '../queue/use-uplot-chart'
import { runChartData } from './watch-runs'

const HEIGHT = 120

const OPTIONS = {
  scales: {
    x: { time: true },
    y: { range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, Math.max(1, max * 1.1)] }
  },
  axes: [{}, { label: 'listings' }],
  legend: { show: false },
  series: [
    {},
    { label: 'Done', stroke: '#059669', width: 2, points: { show: true, size: 6 } },
    { label: 'Failed', stroke: '#dc2626', width: 2, points: { show: true, size: 6 } }
  ]
} satisfies Omit<uPlot.Options, 'width' | 'height'>

/** A watch's last runs: done and failed per run at its due time, skipped runs marked (the crawl rate chart's uPlot setup). */
export function WatchRunsChart({ runs, label }: { runs: WatchRun[]; label: string }): ReactElement {
  const { columns, markers } = useMemo(() => runChartData(runs), [runs])
  const container = useUPlotChart(OPTIONS, HEIGHT, columns, markers)
  return <div className="watch-chart" ref={container} role="img" aria-label={label} data-testid="watch-runs-chart" />
}
