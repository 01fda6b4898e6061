/**
 * One scrape: listing id → page URL → fetched page (within limits) → Listing, parsed on a
 * worker thread under its own deadline (parse-pool.ts).
 */
import type { Listing } from '../../shared/listing'
import { FetchSlotMissed } from '../politeness/fetch-slot'
import type { FetchSlot } from '../politeness/fetch-slot'
import { HostPauses } from '../politeness/host-pauses'
import { SourceRefused, busyAnswerOf } from '../politeness/refusal'
import { slotTimeoutMs, waitForSlot } from '../politeness/slot-gate'
import { fetchPage } from './fetch-page'
import { newFetchTrace, reportFetch } from './fetch-report'
import { listingUrl } from './listing-url'
import { reportValidators } from './page-validators'
import type { PageValidators } from './page-validators'
import { sharedParsePool } from './parse-pool'
import type { ParsePool } from './parse-pool'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'

export interface ScrapeOptions {
  /** The listing page URL with `{id}` where the id goes, e.g. "http://127.0.0.1:8081/jobs/{id}". */
  sourceUrlTemplate: string
  /** The source's name, written into the listing; default: the default source. */
  sourceName?: string
  timeoutMs?: number
  maxBytes?: number
  maxRedirects?: number
  userAgent?: string
  now?: () => Date
  /** Where pages are parsed; default: the pool the process shares. */
  parsePool?: ParsePool
  /** Hosts that told this scraper to wait (a crawl's slotted fetches honour them); default: the process's. */
  hostPauses?: HostPauses
  /** The validators of the caller's copy (a crawl's re-fetch): a 304 throws ListingNotModified, unparsed. */
  validators?: PageValidators | null
}

const processHostPauses = new HostPauses()

export const SCRAPE_DEFAULTS = {
  timeoutMs: 10_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'scrapedeck-scraper/0.1 (job listing scraper)'
} as const

/**
 * The one User-Agent every fetch sends: who we are and, once the user has set one
 * (SCRAPER_CONTACT_URL), where a site's operator can reach us, in the `+URL` form crawlers use.
 */
export function userAgentWithContact(contactUrl: string | null): string {
  if (contactUrl === null || contactUrl === '') return SCRAPE_DEFAULTS.userAgent
  if (!/^https?:\/\/\S+$/i.test(contactUrl) && !/^mailto:\S+$/i.test(contactUrl)) {
    throw new Error(`SCRAPER_CONTACT_URL must be an http(s) or mailto: URL, not "${contactUrl}"`)
  }
  return `scrapedeck-scraper/0.1 (job listing scraper; +${contactUrl})`
}

/** When a crawl's request may fetch (fetch-slot.ts); none for a single lookup. */
export interface SlotGrant {
  slot: FetchSlot
  seenBefore: boolean
}

export async function scrapeListing(
  id: string,
  options: ScrapeOptions,
  grant: SlotGrant | null = null
): Promise<Listing> {
  // Before any request: a bad id must never reach the network.
  const url = listingUrl(id, options.sourceUrlTemplate)
  const timeoutMs = options.timeoutMs ?? SCRAPE_DEFAULTS.timeoutMs
  const pauses = options.hostPauses ?? processHostPauses
  const host = new URL(url).host
  if (grant !== null) {
    await waitForSlot(grant.slot, grant.seenBefore)
    pauses.check(host)
  }
  const trace = newFetchTrace()
  const fetchStarted = performance.now()
  // A request stopped at the write for its closed slot never reached the site: no fetch to report.
  let sent = true
  const page = await fetchPage(
    url,
    {
      timeoutMs: grant === null ? timeoutMs : slotTimeoutMs(grant.slot, timeoutMs),
      maxBytes: options.maxBytes ?? SCRAPE_DEFAULTS.maxBytes,
      maxRedirects: options.maxRedirects ?? SCRAPE_DEFAULTS.maxRedirects,
      userAgent: options.userAgent ?? SCRAPE_DEFAULTS.userAgent,
      validators: options.validators ?? null,
      notAfter: grant?.slot.notAfter ?? null
    },
    trace
  )
    .catch((err: unknown) => {
      if (err instanceof FetchSlotMissed) sent = false
      if (err instanceof SourceRefused && err.retryAfterMs !== null) pauses.pause(host, err.retryAfterMs)
      const busy = err instanceof Error ? busyAnswerOf(err.name, err.message) : null
      if (busy !== null) pauses.busy(host, busy.retryAfterMs)
      throw err
    })
    .finally(() => {
      if (sent) reportFetch(host, trace, performance.now() - fetchStarted)
    })
  pauses.served(host)
  reportValidators(page.validators)
  const scrapedAt = (options.now ?? (() => new Date()))().toISOString()
  const listing = await (options.parsePool ?? sharedParsePool()).parse(page.html, { id, url: page.url, scrapedAt })
  return { ...listing, source: options.sourceName ?? DEFAULT_SOURCE_NAME }
}
