/**
 * A consistent CrawlDetail for unit tests of the clients that draw crawls (the panel's
 * Crawls view, the CLI's formatting), so each test states only the fields it is about.
 */
import type { CrawlDetail } from '../../src/shared/crawl'

export function crawlDetail(patch: Partial<CrawlDetail> = {}): CrawlDetail {
  const base: CrawlDetail = {
    id: 'c-1',
    name: 'whole board',
    state: 'running',
    source: 'board',
    ingesting: false,
    refresh: false,
    maxAttempts: 3,
    total: 1000,
    queued: 300,
    scraping: 100,
    done: 500,
    failed: 40,
    skipped: 60,
    cancelled: 0,
    ratePerSecond: 20,
    etaSeconds: 20,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:05:00.000Z',
    finishedAt: null,
    hosts: [],
    replicas: [
      { replica: 'scraper-1', done: 300, failed: 20, ratePerSecond: 10 },
      { replica: 'scraper-2', done: 200, failed: 20, ratePerSecond: 10 }
    ],
    errors: [
      { kind: 'ListingNotFound', count: 40, exampleIds: ['a1', 'a2'], exampleMessage: 'No listing a1 on the board' }
    ],
    timeline: []
  }
  return { ...base, ...patch }
}
