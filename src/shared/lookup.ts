/**
 * What a listing lookup answers, shared by the API service and the panel. A lookup reads
 * the Elasticsearch cache first and scrapes on a miss; `cache` says whether the cache took
 * part, so a caller can tell "fresh from the source because it was not cached" from
 * "fresh from the source because the cache is down".
 */
import { z } from 'zod'
import { ListingSchema } from './listing'

export const LookupSourceSchema = z.enum(['cache', 'scrape'])

/**
 * - `ok`: the cache answered (hit), or missed and the scraped listing is now stored.
 * - `unavailable`: Elasticsearch could not be read; the listing came from the scraper.
 * - `write-pending`: the cache was read but the scraped listing could not be stored yet;
 *   it waits in the pending-writes queue and lands when Elasticsearch takes writes again.
 */
export const CacheStateSchema = z.enum(['ok', 'unavailable', 'write-pending'])

export const LookupResultSchema = z.object({
  listing: ListingSchema,
  source: LookupSourceSchema,
  /** Time since the listing was cached; only for cache hits. */
  ageMs: z.number().nonnegative().optional(),
  cache: CacheStateSchema,
  tookMs: z.number().nonnegative()
})

export type LookupSource = z.infer<typeof LookupSourceSchema>
export type CacheState = z.infer<typeof CacheStateSchema>
export type LookupResult = z.infer<typeof LookupResultSchema>

export interface LookupOptions {
  /** Scrape again even if the listing is cached (and replace the cached copy). */
  refresh?: boolean
  /** The source (shared/source.ts) to look the id up on; default: the default source. */
  source?: string
}

/**
 * Kinds of error the API answers with, beyond the scraper's own (SCRAPE_ERROR_KINDS).
 * The kind is the contract: the panel picks its message by kind, not by HTTP status.
 */
export const API_ERROR_KINDS = [
  'BrokerUnavailable', // no AMQP connection
  'UnknownService', // no scraper has ever listened on the bus
  'RpcTimeout', // the scraper did not answer in time
  'ScrapeFailed', // the scraper failed in a way it does not name
  'TooManyDeliveries', // the request was delivered RPC_MAX_DELIVERIES times and never answered
  'MalformedListing', // the scraper answered something that is not a Listing
  'InvalidSearch', // bad query-string parameters for /joblistings
  'InvalidParameter', // a bad query-string parameter elsewhere (say, ?refresh=maybe)
  'SearchUnavailable', // Elasticsearch cannot be searched now
  'BadRequest', // a request target that is not a URL path
  'NotFound', // no such route
  'MethodNotAllowed',
  'Internal'
] as const

export type ApiErrorKind = (typeof API_ERROR_KINDS)[number]

export const ApiErrorBodySchema = z.object({
  error: z.object({
    /** A ScrapeErrorKind or an ApiErrorKind. */
    kind: z.string(),
    message: z.string(),
    /** What the caller can do about it. */
    hint: z.string()
  })
})

export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>
