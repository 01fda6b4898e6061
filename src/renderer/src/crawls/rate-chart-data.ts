/** A crawl's timeline → the columns its rate chart draws, and the replica changes inside it. */
import { CRAWL_TIMELINE_BUCKET_SECONDS } from '../../../shared/crawl'
import type { CrawlTimelinePoint } from '../../../shared/crawl'
import type { ChartMarker } from '../queue/chart-data'

/** x (epoch seconds, the bucket's start), items finished per second in that bucket. */
export type RateChartColumns = [number[], number[]]

/** `startedAt` (the crawl's createdAt): buckets that end before it are left out, so a young crawl fills the chart. */
export function rateChartColumns(timeline: CrawlTimelinePoint[], startedAt: string): RateChartColumns {
  const columns: RateChartColumns = [[], []]
  const firstBucket = Date.parse(startedAt) - CRAWL_TIMELINE_BUCKET_SECONDS * 1000
  for (const point of timeline) {
    const at = Date.parse(point.at)
    if (Number.isNaN(at) || at <= firstBucket) continue
    columns[0].push(at / 1000)
    columns[1].push(point.completed / CRAWL_TIMELINE_BUCKET_SECONDS)
  }
  return columns
}

/** The markers that fall within the chart's span (up to the end of its last bucket). */
export function markersWithin(markers: ChartMarker[], columns: RateChartColumns): ChartMarker[] {
  const first = columns[0][0]
  const last = columns[0].at(-1)
  if (first === undefined || last === undefined) return []
  return markers.filter((m) => m.x >= first && m.x <= last + CRAWL_TIMELINE_BUCKET_SECONDS)
}
