/**
 * The one error the crawl sources throw: a `kind` the API maps to its error body (a panel
 * error kind), a message naming the source and what went wrong, and a hint for the user.
 */
export type CrawlSourceErrorKind = 'InvalidCrawl' | 'SourceUnavailable'

export class CrawlSourceError extends Error {
  override readonly name = 'CrawlSourceError'
  readonly kind: CrawlSourceErrorKind
  readonly hint: string | null

  constructor(kind: CrawlSourceErrorKind, message: string, hint: string | null = null, options?: { cause?: unknown }) {
    super(message, options)
    this.kind = kind
    this.hint = hint
  }
}
