import type { ReactElement } from 'react'
import uPlot from 'uplot'
import type { ChartMarker } from '../queue/chart-data'
import { useUPlotChart } from '../queue/use-uplot-chart'
import type { RateChartColumns } from './rate-chart-data'

const HEIGHT = 220

const OPTIONS = {
  scales: {
    x: { time: true },
    y: { range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, Math.max(1, max * 1.1)] }
  },
  axes: [{}, { label: 'ids finished / s' }],
  series: [
    {},
    {
      label: 'Finished / s',
      points: { show: false },
      stroke: '#059669',
      fill: 'rgba(5, 150, 105, 0.12)',
      width: 2,
      paths: uPlot.paths.stepped?.({ align: 1 })
    }
  ]
} satisfies Omit<uPlot.Options, 'width' | 'height'>

/** Ids finished per second in 5 s buckets over the last 10 minutes, with the scraper's replica changes marked. */
export function CrawlRateChart(props: {
  columns: RateChartColumns
  markers: ChartMarker[]
  label: string
}): ReactElement {
  const { columns, markers, label } = props
  const container = useUPlotChart(OPTIONS, HEIGHT, columns, markers)
  return <div className="queue-chart" ref={container} role="img" aria-label={label} data-testid="crawl-rate-chart" />
}
