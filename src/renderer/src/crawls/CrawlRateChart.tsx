import { useEffect, useRef } from 'react'
import type { ReactElement } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { ChartMarker } from '../queue/chart-data'
import { drawMarkers } from '../queue/draw-markers'
import type { RateChartColumns } from './rate-chart-data'

const HEIGHT = 220
const RATE_COLOR = '#059669'

/** Items finished per second in 5 s buckets over the last 10 minutes, with the scraper's replica changes marked. */
export function CrawlRateChart(props: { columns: RateChartColumns; markers: ChartMarker[]; label: string }): ReactElement {
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
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{}, { label: 'ids finished / s' }],
      series: [{}, { label: 'Finished / s', stroke: RATE_COLOR, fill: 'rgba(5, 150, 105, 0.12)', width: 2, paths: uPlot.paths.stepped?.({ align: 1 }) }],
      hooks: { draw: [(u) => drawMarkers(u, markersRef.current)] }
    }
    const plot = new uPlot(options, [[], []], element)
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

  return <div className="queue-chart" ref={container} role="img" aria-label={label} data-testid="crawl-rate-chart" />
}
