/**
 * What a listing lookup answers, shared by the API service and the panel. A lookup reads
 * the Elasticsearch cache first and scrapes on a miss; `cache` says whether the cache took
 * part, so a caller can tell "fresh from the source because it was not cached" from
 * "fresh from the source because the cache is down".
 */
import { z } from 'zod'
import { ListingSchema } from './listing'

const LookupSourceSchema = z.enum(['cache', 'scrape'])

/**
 * - `ok`: the cache answered (hit), or missed and the scraped listing is now stored.
 * - `unavailable`: Elasticsearch could not be read; the listing came from the scraper.
 * - `write-pending`: the cache was read but the scraped listing could not be stored yet;
 *   it waits in the pending-writes queue and lands when Elasticsearch takes writes again.
 */
const CacheStateSchema = z.enum(['ok', 'unavailable', 'write-pending'])

export const LookupResultSchema = z.object({
  listing: ListingSchema,
  source: LookupSourceSchema,
  /** Time since the listing was cached; only for cache hits. */
  ageMs: z.number().nonnegative().optional(),
  cache: CacheStateSchema,
  tookMs: z.number().nonnegative()
})

export type CacheState = z.infer<typeof CacheStateSchema>
export type LookupResult = z.infer<typeof LookupResultSchema>

export interface LookupOptions {
  /** Scrape again even if the listing is cached (and replace the cached copy). */
  refresh?: boolean
  /** The source (shared/source.ts) to look the id up on; default: the default source. */
  source?: string
}

/** The body of every API error answer. */
export interface ApiErrorBody {
  error: {
    /** An ErrorKind (src/shared/error-kinds.ts): the kind is the contract, the status follows from it. */
    kind: string
    message: string
    /** What the caller can do about it. */
    hint: string
  }
}
