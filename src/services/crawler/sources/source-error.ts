/**
 * The one error the crawl sources throw: an error kind (src/shared/error-kinds.ts), a message
 * naming the source and what went wrong, and a hint for the user.
 */
import type { ErrorKind } from '../../../shared/error-kinds'

export type CrawlSourceErrorKind = Extract<ErrorKind, 'InvalidCrawl' | 'SourceUnavailable'>

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
