/** Plain words for the states of a crawl and of its items, as the Crawls view shows them. */
import type { CrawlItemState, CrawlState, CrawlSummary } from '../../../shared/crawl'

const CRAWL_STATE_LABELS: Record<CrawlState, string> = {
  running: 'Running',
  paused: 'Paused',
  done: 'Finished',
  cancelled: 'Cancelled'
}

export const ITEM_STATE_LABELS: Record<CrawlItemState, string> = {
  queued: 'Queued',
  scraping: 'Scraping',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped (cached)',
  cancelled: 'Cancelled'
}

/** What a queued or scraping item is waiting for, for the counts' tooltips. */
export const ITEM_STATE_HINTS: Record<CrawlItemState, string> = {
  queued: 'In the ledger, not yet sent to the scrapers',
  scraping: 'Sent to the scraper queue: waiting there or being scraped',
  done: 'Scraped and indexed',
  failed: 'Gave up on it (see the errors below)',
  skipped: 'Already in the cache, and the crawl does not refresh',
  cancelled: 'Not scraped because the crawl was cancelled'
}

/** "Running", or "Running · reading the source" while ids are still being ingested. */
export function crawlStateLabel(crawl: Pick<CrawlSummary, 'state' | 'ingesting'>): string {
  const label = CRAWL_STATE_LABELS[crawl.state]
  return crawl.ingesting && crawl.state !== 'cancelled' ? `${label} · reading the source` : label
}

/** The crawl's name, else its source ("board", "sitemap https://…"). */
export function crawlTitle(crawl: Pick<CrawlSummary, 'name' | 'source'>): string {
  return crawl.name.trim() === '' ? crawl.source : crawl.name
}
