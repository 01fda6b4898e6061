/**
 * The scraper as an RPC service: one method, `get_job_listing_info(job_listing_id)`, the
 * name and signature existing Nameko callers use. It owns its parse pool: close()
 * ends the pool's threads once the RPC server has drained.
 */
import type { Listing } from '../../shared/listing'
import { DEFAULT_SCRAPER_SERVICE } from '../env'
import { FETCH_SLOT_HEADER, decodeFetchSlot } from '../politeness/fetch-slot'
import { currentRequestContext } from '../rpc/request-context'
import type { RpcService } from '../rpc/types'
import { listingUrl } from './listing-url'
import { ParsePool } from './parse-pool'
import type { ParsePoolOptions } from './parse-pool'
import { InvalidListingId } from './scrape-errors'
import { scrapeListing } from './scrape-listing'
import type { ScrapeOptions, SlotGrant } from './scrape-listing'

export type ScraperServiceConfig = { serviceName?: string; parse?: ParsePoolOptions } & Omit<ScrapeOptions, 'parsePool'>

export interface ScraperService extends RpcService {
  close: () => Promise<void>
}

export function createScraperService(config: ScraperServiceConfig): ScraperService {
  const { serviceName = DEFAULT_SCRAPER_SERVICE, parse, ...scrape } = config
  // Fail at start-up, not on the first call, when the template itself is unusable.
  listingUrl('probe', scrape.sourceUrlTemplate)
  const parsePool = new ParsePool(parse)
  const options: ScrapeOptions = { ...scrape, parsePool }
  return {
    name: serviceName,
    close: () => parsePool.close(),
    methods: {
      get_job_listing_info: {
        params: ['job_listing_id'],
        handler: (jobListingId: unknown): Promise<Listing> => scrapeListing(listingIdFrom(jobListingId), options, slotGrant())
      }
    }
  }
}

/**
 * Python callers may pass the id as an int (`get_job_listing_info(123)`); that is taken as
 * its decimal string. Any other non-string is refused here, before any request.
 */
function listingIdFrom(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  throw new InvalidListingId(value, 'a listing id must be a string (or a non-negative integer)')
}

/** The fetch slot the request being served carries, if any (a crawl's request does). */
function slotGrant(): SlotGrant | null {
  const context = currentRequestContext()
  const slot = context === null ? null : decodeFetchSlot(context.headers[FETCH_SLOT_HEADER])
  return slot === null ? null : { slot, seenBefore: context!.seenBefore }
}
