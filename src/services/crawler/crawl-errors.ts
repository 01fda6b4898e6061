/**
 * The coordinator's own errors. The kind is an error kind (src/shared/error-kinds.ts), which
 * gives the /crawls routes their status; the hint is this error's own, null for its kind's.
 */
import type { ErrorKind } from '../../shared/error-kinds'

export type CrawlErrorKind = Extract<
  ErrorKind,
  'CrawlNotFound' | 'InvalidCrawl' | 'CrawlConflict' | 'CrawlerUnavailable'
>

export class CrawlError extends Error {
  override readonly name = 'CrawlError'
  constructor(
    readonly kind: CrawlErrorKind,
    message: string,
    readonly hint: string | null = null,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

export function crawlNotFound(id: string): CrawlError {
  return new CrawlError('CrawlNotFound', `No crawl ${id}`)
}

/** What the coordinator's routes answer until it has started. */
export function coordinatorStarting(): CrawlError {
  return new CrawlError(
    'CrawlerUnavailable',
    'The crawl coordinator is still starting',
    'It waits for Elasticsearch and RabbitMQ; try again in a few seconds.'
  )
}

/** Elasticsearch failing under the coordinator's routes: the crawler's store, not the listing search's. */
export function coordinatorStoreUnavailable(cause: unknown): CrawlError {
  return new CrawlError(
    'CrawlerUnavailable',
    'The crawl ledger (Elasticsearch) cannot be reached',
    'Check Elasticsearch (GET /health).',
    { cause }
  )
}
