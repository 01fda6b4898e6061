/**
 * The scraper as an RPC service:
 *   get_job_listing_info(job_listing_id)             the default source, the name and signature
 *                                                    Nameko callers have always used
 *   get_source_listing_info(source, job_listing_id)  any registered source, by name
 * It owns its parse pool: close() ends the pool's threads once the RPC server has drained.
 */
import { performance } from 'node:perf_hooks'
import type { Listing } from '../../shared/listing'
import { CRAWL_ID_HEADER } from '../crawler/crawl-control'
import { silentLogger } from '../log'
import type { Logger } from '../log'
import { DEFAULT_SCRAPER_SERVICE } from '../env'
import { FETCH_SLOT_HEADER, decodeFetchSlot } from '../politeness/fetch-slot'
import { currentRequestContext } from '../rpc/request-context'
import type { RpcService } from '../rpc/types'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'
import { SourceTargets } from './source-targets'
import type { AnnouncedSources } from './source-targets'
import { ParsePool } from './parse-pool'
import type { ParsePoolOptions } from './parse-pool'
import { requestValidators } from './page-validators'
import { InvalidListingId, ListingNotModified } from './scrape-errors'
import { scrapeListing } from './scrape-listing'
import type { ScrapeOptions, SlotGrant } from './scrape-listing'

export type ScraperServiceConfig = {
  serviceName?: string
  parse?: ParsePoolOptions
  /** The registered sources as last announced (crawler/crawl-control.ts); without them only the default source, at `sourceUrlTemplate`. */
  sources?: AnnouncedSources
  /** One line per listing: `listing scraped` (info) or `listing not scraped` (warn), with its crawl and listing ids. */
  logger?: Logger
} & Omit<ScrapeOptions, 'parsePool' | 'sourceName'>

export interface ScraperService extends RpcService {
  close: () => Promise<void>
}

export function createScraperService(config: ScraperServiceConfig): ScraperService {
  const { serviceName = DEFAULT_SCRAPER_SERVICE, parse, sources, logger = silentLogger, ...scrape } = config
  const targets = new SourceTargets(scrape.sourceUrlTemplate, sources)
  const parsePool = new ParsePool(parse)
  const scrapeFrom = async (source: unknown, id: unknown): Promise<Listing> => {
    const started = performance.now()
    const context = currentRequestContext()
    const crawlId = context?.headers[CRAWL_ID_HEADER]
    const line = {
      crawlId: typeof crawlId === 'string' ? crawlId : undefined,
      listingId: typeof id === 'string' || typeof id === 'number' ? String(id) : undefined,
      source: typeof source === 'string' ? source : undefined,
      host: undefined as string | undefined,
      redelivered: context?.seenBefore === true ? true : undefined
    }
    try {
      // Both checked before any request: neither a bad id nor a bad source reaches the network.
      const listingId = listingIdFrom(id)
      const sourceUrlTemplate = targets.templateOf(source)
      line.host = hostOf(sourceUrlTemplate)
      const listing = await scrapeListing(
        listingId,
        { ...scrape, parsePool, sourceUrlTemplate, sourceName: source as string, validators: requestValidators() },
        slotGrant()
      )
      logger.info('listing scraped', { ...line, tookMs: elapsed(started) })
      return listing
    } catch (err) {
      if (err instanceof ListingNotModified) {
        logger.info('listing not modified', { ...line, tookMs: elapsed(started) })
        throw err
      }
      logger.warn('listing not scraped', {
        ...line,
        kind: err instanceof Error ? err.name : 'Error',
        error: err instanceof Error ? err.message : String(err),
        tookMs: elapsed(started)
      })
      throw err
    }
  }
  return {
    name: serviceName,
    close: () => parsePool.close(),
    methods: {
      get_job_listing_info: {
        params: ['job_listing_id'],
        handler: (jobListingId: unknown): Promise<Listing> => scrapeFrom(DEFAULT_SOURCE_NAME, jobListingId)
      },
      get_source_listing_info: {
        params: ['source', 'job_listing_id'],
        handler: (source: unknown, jobListingId: unknown): Promise<Listing> => scrapeFrom(source, jobListingId)
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

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10
}

/** The host a URL template names, for log lines (null when it is not a URL). */
function hostOf(template: string): string | undefined {
  try {
    return new URL(template.replace('{id}', 'x')).host
  } catch {
    return undefined
  }
}

/** The fetch slot the request being served carries, if any (a crawl's request does). */
function slotGrant(): SlotGrant | null {
  const context = currentRequestContext()
  const slot = context === null ? null : decodeFetchSlot(context.headers[FETCH_SLOT_HEADER])
  return slot === null ? null : { slot, seenBefore: context!.seenBefore }
}
