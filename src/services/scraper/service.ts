/**
 * The scraper as an RPC service: one method, `get_job_listing_info(job_listing_id)`, the
 * name and signature the seed project's Nameko callers use.
 */
import type { Listing } from '../../shared/listing'
import { DEFAULT_SCRAPER_SERVICE } from '../env'
import type { RpcService } from '../rpc/types'
import { listingUrl } from './listing-url'
import { InvalidListingId } from './scrape-errors'
import { scrapeListing } from './scrape-listing'
import type { ScrapeOptions } from './scrape-listing'

export type ScraperServiceConfig = { serviceName?: string } & ScrapeOptions

export function createScraperService(config: ScraperServiceConfig): RpcService {
  const { serviceName = DEFAULT_SCRAPER_SERVICE, ...options } = config
  // Fail at start-up, not on the first call, when the template itself is unusable.
  listingUrl('probe', options.sourceUrlTemplate)
  return {
    name: serviceName,
    methods: {
      get_job_listing_info: {
        params: ['job_listing_id'],
        handler: (jobListingId: unknown): Promise<Listing> => scrapeListing(listingIdFrom(jobListingId), options)
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
