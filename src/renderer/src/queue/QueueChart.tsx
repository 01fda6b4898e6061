import { useEffect, useRef } from 'react'
import type { ReactElement } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { ChartMarker, QueueChartColumns } from './chart-data'
import { drawMarkers } from './draw-markers'

const HEIGHT = 260
const COLORS = { ready: '#2563eb', unacked: '#d97706', consumers: '#059669', replicas: '#7c3aed' }

/** Depth (left axis) and consumers/replicas (right axis) over time, with scale/restart markers. */
export function QueueChart(props: { columns: QueueChartColumns; markers: ChartMarker[]; label: string }): ReactElement {
  const { columns, markers, label } = props
  const container = useRef<HTMLDivElement>(null)
  const chart = useRef<uPlot | null>(null)
  const markersRef = useRef(markers)

  useEffect(() => {
    markersRef.current = markers
  }, [markers])

  useEffect(() => {
    const element = container.current
    if (!element) return
    const options: uPlot.Options = {
      width: Math.max(280, element.clientWidth),
      height: HEIGHT,
      scales: { x: { time: true }, count: { range: (_u, _min, max) => [0, Math.max(4, max + 1)] } },
      axes: [{}, { label: 'messages' }, { side: 1, scale: 'count', label: 'consumers / replicas', grid: { show: false } }],
      series: [
        {},
        { label: 'Ready', stroke: COLORS.ready, width: 2 },
        { label: 'Unacked', stroke: COLORS.unacked, width: 2 },
        { label: 'Consumers', stroke: COLORS.consumers, width: 2, scale: 'count', paths: uPlot.paths.stepped?.({ align: 1 }) },
        { label: 'Replicas', stroke: COLORS.replicas, width: 2, dash: [6, 3], scale: 'count', paths: uPlot.paths.stepped?.({ align: 1 }) }
      ],
      hooks: { draw: [(u) => drawMarkers(u, markersRef.current)] }
    }
    const plot = new uPlot(options, [[], [], [], [], []], element)
    chart.current = plot
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, element.clientWidth), height: HEIGHT }))
    resize.observe(element)
    return () => {
      resize.disconnect()
      plot.destroy()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    chart.current?.setData(columns)
  }, [columns, markers])

  return <div className="queue-chart" ref={container} role="img" aria-label={label} />
}
