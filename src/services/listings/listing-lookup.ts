/**
 * The lookup flow: cache first, scrape on a miss, store, answer. Concurrent lookups of the
 * same id share one scrape. A cache that is down is skipped, never a reason to fail.
 */
import { performance } from 'node:perf_hooks'
import { ListingIdSchema } from '../../shared/listing'
import type { Listing } from '../../shared/listing'
import type { CacheState, LookupOptions, LookupResult } from '../../shared/lookup'
import { InvalidListingId } from '../../shared/scrape-errors'
import { CacheUnavailable } from './listing-cache'
import type { ListingCache } from './listing-cache'
import { toDocument } from './listing-document'
import { SingleFlight } from './single-flight'
import { silentLogger } from '../log'
import type { Logger } from '../log'

/** Fetches one listing from its source; throws the scraper's errors (or RPC errors). */
export type ScrapeFn = (id: string) => Promise<Listing>

export interface ListingLookupOptions {
  cache: ListingCache
  scrape: ScrapeFn
  logger?: Logger
  /** Injected so tests can move time; defaults to Date.now. */
  now?: () => number
}

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
    const checked = ListingIdSchema.safeParse(id)
    if (!checked.success) throw new InvalidListingId(id, checked.error.issues.map((issue) => issue.message).join('; '))

    let cacheReadable = true
    if (options.refresh !== true) {
      try {
        const cached = await this.cache.read(id)
        if (cached !== null) {
          const ageMs = Math.max(0, this.now() - Date.parse(cached.cachedAt))
          return { listing: cached.listing, source: 'cache', ageMs, cache: 'ok', tookMs: performance.now() - started }
        }
      } catch (err) {
        if (!(err instanceof CacheUnavailable)) throw err
        cacheReadable = false
      }
    }

    // A refresh joins a scrape already running for the id: that one is just as fresh.
    const outcome = await this.flights.run(id, () => this.scrapeAndStore(id))
    const cache: CacheState = !cacheReadable || outcome.stored === 'not-stored' ? 'unavailable' : outcome.stored
    return { listing: outcome.listing, source: 'scrape', cache, tookMs: performance.now() - started }
  }

  /** Scrapes currently in flight (for health and tests). */
  get scrapesInFlight(): number {
    return this.flights.size
  }

  private async scrapeAndStore(id: string): Promise<ScrapeOutcome> {
    const listing = await this.scrape(id)
    const outcome = await this.cache.write(toDocument(listing, new Date(this.now())))
    if (outcome === 'rejected') this.logger.warn('Scraped listing could not be cached', { id })
    return { listing, stored: outcome === 'stored' ? 'ok' : outcome === 'pending' ? 'write-pending' : 'not-stored' }
  }
}
