/** The coordinator's own errors; the REST routes answer them as `{ error: { kind, message, hint } }`. */
export type CrawlErrorKind = 'CrawlNotFound' | 'InvalidCrawl' | 'CrawlConflict' | 'CrawlerUnavailable'

export const CRAWL_ERROR_STATUS: Record<CrawlErrorKind, number> = { CrawlNotFound: 404, InvalidCrawl: 400, CrawlConflict: 409, CrawlerUnavailable: 503 }

export class CrawlError extends Error {
  override readonly name = 'CrawlError'
  constructor(
    readonly kind: CrawlErrorKind,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

export function crawlNotFound(id: string): CrawlError {
  return new CrawlError('CrawlNotFound', `No crawl ${id}`, 'List the crawls with GET /crawls; a deleted crawl is gone for good.')
}
