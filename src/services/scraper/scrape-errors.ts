/**
 * The scraper's errors. Each `name` is one of SCRAPE_ERROR_KINDS: the name is what crosses
 * the RPC bus as Nameko's `exc_type` (and what the API maps to an HTTP status), so it is
 * set explicitly rather than left to the class name, which a bundler may mangle.
 */
import { ScrapeError } from '../../shared/scrape-errors'
import type { ScrapeErrorKind } from '../../shared/scrape-errors'

export { ScrapeError, InvalidListingId } from '../../shared/scrape-errors'

export class ListingNotFound extends ScrapeError {
  override readonly name = 'ListingNotFound'
  constructor(
    readonly url: string,
    readonly status: number
  ) {
    super(`No listing at ${url}: the source answered ${status}`)
  }
}

/** The source answered a conditional GET with 304: the page is as it was when the validators were given. */
export class ListingNotModified extends ScrapeError {
  override readonly name = 'ListingNotModified'
  constructor(readonly url: string) {
    super(`${url} has not changed since the last fetch (304 Not Modified)`)
  }
}

export class NotAJobListing extends ScrapeError {
  override readonly name = 'NotAJobListing'
  constructor(
    readonly url: string,
    reason: string
  ) {
    super(`${url} is not a job listing: ${reason}`)
  }
}

export class UnreadablePosting extends ScrapeError {
  override readonly name = 'UnreadablePosting'
  constructor(
    readonly url: string,
    reason: string
  ) {
    super(`${url} has a job posting that cannot be read: ${reason}`)
  }
}

export class SourceUnavailable extends ScrapeError {
  override readonly name = 'SourceUnavailable'
  constructor(
    readonly url: string,
    reason: string,
    options?: { cause?: unknown }
  ) {
    super(`Could not scrape ${url}: ${reason}`, options)
  }
}

export class SourceTimeout extends ScrapeError {
  override readonly name = 'SourceTimeout'
  constructor(
    readonly url: string,
    readonly timeoutMs: number
  ) {
    super(`${url} did not answer in full within ${timeoutMs} ms (SCRAPER_TIMEOUT_MS)`)
  }
}

export class PageTooLarge extends ScrapeError {
  override readonly name = 'PageTooLarge'
  constructor(
    readonly url: string,
    readonly maxBytes: number,
    detail: string
  ) {
    super(`${url} is larger than the ${maxBytes}-byte limit (${detail})`)
  }
}

export class PageTooComplex extends ScrapeError {
  override readonly name = 'PageTooComplex'
  constructor(
    readonly url: string,
    detail: string
  ) {
    super(`${url} is too complex to parse safely: ${detail}`)
  }
}

/**
 * A scraper error rebuilt on this side of a thread boundary: structured cloning keeps an
 * error's message but not its class or name, so the parse worker sends kind and message.
 */
export class RelayedScrapeError extends ScrapeError {
  constructor(
    override readonly name: ScrapeErrorKind,
    message: string
  ) {
    super(message)
  }
}
