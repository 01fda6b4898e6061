/**
 * The lookup flow: cache first, scrape on a miss, store, answer. Concurrent lookups of the
 * same id share one scrape. A cache that is down is skipped, never a reason to fail.
 */
import { performance } from 'node:perf_hooks'
import { ListingIdSchema } from '../../shared/listing'
import type { Listing } from '../../shared/listing'
import type { CacheState, LookupOptions, LookupResult } from '../../shared/lookup'
import { InvalidListingId } from '../../shared/scrape-errors'
import { SourceNameSchema, sourceListingKey } from '../../shared/source'
import { UnknownSource } from '../../shared/scrape-errors'
import { CacheUnavailable } from './listing-cache'
import type { ListingCache } from './listing-cache'
import { toDocument } from './listing-document'
import { SingleFlight } from './single-flight'
import { silentLogger } from '../log'
import type { Logger } from '../log'

/** Fetches one listing from its source (default: the default source); throws the scraper's errors (or RPC errors). */
export type ScrapeFn = (id: string, source?: string) => Promise<Listing>

export interface ListingLookupOptions {
  cache: ListingCache
  scrape: ScrapeFn
  logger?: Logger
  /** Injected so tests can move time; defaults to Date.now. */
  now?: () => number
}

/** A lookup as the API answers it: the listing already as its JSON bytes. */
export type LookupAnswer = Omit<LookupResult, 'listing'> & { answer: Buffer }

const SKIPPED = Symbol('cache not read')
const UNREADABLE = Symbol('cache unreadable')

interface ScrapeOutcome {
  listing: Listing
  /** Whether the scraped listing is in the cache now. */
  stored: 'ok' | 'write-pending' | 'not-stored'
}

export class ListingLookup {
  private readonly flights = new SingleFlight<string, ScrapeOutcome>()
  private readonly cache: ListingCache
  private readonly scrape: ScrapeFn
  private readonly logger: Logger
  private readonly now: () => number

  constructor(options: ListingLookupOptions) {
    this.cache = options.cache
    this.scrape = options.scrape
    this.logger = options.logger ?? silentLogger
    this.now = options.now ?? Date.now
  }

  async lookup(id: string, options: LookupOptions = {}): Promise<LookupResult> {
    const started = performance.now()
    checkId(id)
    const key = keyOf(id, options.source)
    const cached = options.refresh === true ? SKIPPED : await this.readCache(() => this.cache.read(key))
    if (cached !== SKIPPED && cached !== UNREADABLE && cached !== null) {
      return {
        listing: cached.listing,
        source: 'cache',
        ageMs: this.ageMs(cached.cachedAt),
        cache: 'ok',
        tookMs: performance.now() - started
      }
    }
    return this.fromScrape(id, options.source, cached !== UNREADABLE, started)
  }

  /**
   * The same lookup, answered as the JSON bytes the API sends: a cache hit is the stored
   * bytes themselves (listing-answer.ts), read past the official client.
   */
  async lookupAnswer(id: string, options: LookupOptions = {}): Promise<LookupAnswer> {
    const started = performance.now()
    checkId(id)
    const key = keyOf(id, options.source)
    const cached = options.refresh === true ? SKIPPED : await this.readCache(() => this.cache.readAnswer(key))
    if (cached !== SKIPPED && cached !== UNREADABLE && cached !== null) {
      return {
        answer: cached.answer,
        source: 'cache',
        ageMs: this.ageMs(cached.cachedAt),
        cache: 'ok',
        tookMs: performance.now() - started
      }
    }
    const { listing, ...result } = await this.fromScrape(id, options.source, cached !== UNREADABLE, started)
    return { ...result, answer: Buffer.from(JSON.stringify(listing)) }
  }

  /** Scrapes currently in flight (for health and tests). */
  get scrapesInFlight(): number {
    return this.flights.size
  }

  /** The cached value, null on a miss, UNREADABLE when the cache is down (never a reason to fail). */
  private async readCache<T>(read: () => Promise<T | null>): Promise<T | null | typeof UNREADABLE> {
    try {
      return await read()
    } catch (err) {
      if (!(err instanceof CacheUnavailable)) throw err
      return UNREADABLE
    }
  }

  private ageMs(cachedAt: string): number {
    return Math.max(0, this.now() - Date.parse(cachedAt))
  }

  private async fromScrape(
    id: string,
    source: string | undefined,
    cacheReadable: boolean,
    started: number
  ): Promise<LookupResult> {
    // A refresh joins a scrape already running for the id: that one is just as fresh.
    const outcome = await this.flights.run(keyOf(id, source), () => this.scrapeAndStore(id, source))
    const cache: CacheState = !cacheReadable || outcome.stored === 'not-stored' ? 'unavailable' : outcome.stored
    return { listing: outcome.listing, source: 'scrape', cache, tookMs: performance.now() - started }
  }

  private async scrapeAndStore(id: string, source: string | undefined): Promise<ScrapeOutcome> {
    const listing = source === undefined ? await this.scrape(id) : await this.scrape(id, source)
    const outcome = await this.cache.write(toDocument(listing, new Date(this.now())))
    if (outcome === 'rejected') this.logger.warn('Scraped listing could not be cached', { id })
    return { listing, stored: outcome === 'stored' ? 'ok' : outcome === 'pending' ? 'write-pending' : 'not-stored' }
  }
}

/** The cache key of an id on a source; a name that cannot be a source's is refused before any read. */
function keyOf(id: string, source: string | undefined): string {
  if (source !== undefined && !SourceNameSchema.safeParse(source).success)
    throw new UnknownSource(source, 'a source name is 1–63 of lower-case letters, digits and "-"')
  return sourceListingKey(source, id)
}

function checkId(id: string): void {
  const checked = ListingIdSchema.safeParse(id)
  if (!checked.success) throw new InvalidListingId(id, checked.error.issues.map((issue) => issue.message).join('; '))
}
