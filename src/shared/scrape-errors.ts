/**
 * Why a scrape failed. The scraper raises errors whose `name` is one of these kinds; they
 * cross the RPC bus as Nameko `exc_type` and are mapped to HTTP statuses and UI messages
 * by name, so the name is the contract.
 */
export const SCRAPE_ERROR_KINDS = [
  'InvalidListingId', // the id is not 1–64 chars of [A-Za-z0-9._-]
  'ListingNotFound', // the source answered 404 or 410
  'NotAJobListing', // the page exists but holds no job posting
  'UnreadablePosting', // the page has a JobPosting, but its JSON-LD cannot be read even repaired
  'SourceUnavailable', // the source could not be reached or answered 5xx
  'SourceTimeout', // the source was too slow
  'PageTooLarge', // the page is over the body-size cap
  'PageTooComplex', // the page nests too deep, holds too many items, or took too long to parse
  'UnknownSource', // no registered source has this name (or it has no listing URL template)
  'SourcePaused', // the source is paused: nothing of it is fetched until it is resumed
  'ListingNotModified' // a conditional fetch: the source answered 304, the copy the caller holds is current
] as const

export type ScrapeErrorKind = (typeof SCRAPE_ERROR_KINDS)[number]

/** Nameko `exc_path` for a scraper error kind, so Python callers see a stable dotted path. */
export function scrapeErrorPath(kind: ScrapeErrorKind): string {
  return `scrapedeck.scraper.${kind}`
}

/**
 * The base of every scrape error, in any layer. Its `name` is its kind: the name is what crosses
 * the RPC bus as Nameko's `exc_type`, so it is set explicitly rather than left to the class
 * name, which a bundler may mangle.
 */
export abstract class ScrapeError extends Error {
  abstract override readonly name: ScrapeErrorKind
  /** Nameko `exc_path`, so Python callers see a stable dotted path. */
  get excPath(): string {
    return scrapeErrorPath(this.name)
  }
}

export class InvalidListingId extends ScrapeError {
  override readonly name = 'InvalidListingId'
  constructor(
    readonly id: unknown,
    reason: string
  ) {
    super(`Invalid listing id ${describeId(id)}: ${reason}`)
  }
}

function describeId(id: unknown): string {
  if (typeof id === 'string') return JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id)
  return `of type ${id === null ? 'null' : typeof id}`
}

/** The source is not one the fleet may scrape: not registered, or registered without a listing URL template. */
export class UnknownSource extends ScrapeError {
  override readonly name = 'UnknownSource'
  constructor(
    readonly source: string,
    reason = 'no source of that name is registered'
  ) {
    super(`Unknown source "${source.length > 80 ? `${source.slice(0, 80)}…` : source}": ${reason}`)
  }
}

export class SourcePaused extends ScrapeError {
  override readonly name = 'SourcePaused'
  constructor(readonly source: string) {
    super(`The source "${source}" is paused; nothing of it is fetched until it is resumed`)
  }
}
