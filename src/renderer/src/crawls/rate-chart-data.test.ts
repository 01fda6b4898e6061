import { describe, expect, it } from 'vitest'
import { markersWithin, rateChartColumns } from './rate-chart-data'

const at = (s: number): string => new Date(s * 1000).toISOString()

describe('rate chart data', () => {
  it('turns 5 s buckets of finished items into items per second', () => {
    expect(
      rateChartColumns(
        [
          { at: at(100), completed: 10 },
          { at: 'not a time', completed: 1 },
          { at: at(105), completed: 0 }
        ],
        at(0)
      )
    ).toEqual([
      [100, 105],
      [2, 0]
    ])
  })

  it('leaves out the buckets that ended before the crawl started', () => {
    const timeline = [90, 95, 100, 105].map((s) => ({ at: at(s), completed: 5 }))
    expect(rateChartColumns(timeline, at(102))[0]).toEqual([100, 105])
  })

  it('keeps the replica changes inside the chart, up to the end of its last bucket', () => {
    const columns = rateChartColumns(
      [
        { at: at(100), completed: 1 },
        { at: at(105), completed: 1 }
      ],
      at(0)
    )
    const markers = [
      { x: 99, label: 'scraper 1→2' },
      { x: 103, label: 'scraper 2→3' },
      { x: 110, label: 'scraper 3→4' },
      { x: 111, label: 'scraper 4→1' }
    ]
    expect(markersWithin(markers, columns).map((m) => m.x)).toEqual([103, 110])
    expect(markersWithin(markers, [[], []])).toEqual([])
  })
})
