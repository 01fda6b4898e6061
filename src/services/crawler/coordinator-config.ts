/**
 * The coordinator's settings from the API service's environment:
 *   CRAWL_INDEX_PREFIX (scrapedeck), CRAWL_WINDOW (5000 requests outstanding),
 *   CRAWL_STALE_MS (600000: unanswered this long after dispatch → a failed attempt),
 *   CRAWL_BACKOFF_MS (1000) / CRAWL_BACKOFF_MAX_MS (30000), CRAWL_BOARD_SITEMAP_URL
 *   (http://127.0.0.1:8081/sitemap.xml), SCRAPER_SOURCE_URL_TEMPLATE (the scraper's `{id}` URL),
 *   CRAWL_DEFAULT_SOURCE_POLITENESS (what the default source is created with: "N/D" or JSON,
 *   politeness/politeness-settings.ts; per host limits are then each source's own),
 *   CRAWL_SLOT_MARGIN_MS (75: added between fetch slots for the check-to-site delay's variation),
 *   CRAWL_ROBOTS_TTL_MS (6 h) / CRAWL_ROBOTS_ERROR_TTL_MS (1 min): how long a robots.txt, or a
 *   failure to read one, is kept; SCRAPER_CONTACT_URL: the contact in the User-Agent robots.txt
 *   is fetched with (the scrapers' own),
 *   CRAWL_HTTP_STATS_CHECKPOINT_MS (5000: how often per-crawl HTTP statistics are stored),
 *   WATCH_TICK_MS (1000: how often due watches are looked for).
 */
import { DEFAULT_SOURCE_URL_TEMPLATE, envInt, envString } from '../env'
import type { Logger } from '../log'
import { SCRAPE_METHOD } from '../listings/rpc-scrape'
import { Coordinator } from './coordinator'
import { SLOT_PLAN } from './dispatcher'
import { DEFAULT_HTTP_STATS_CHECKPOINT_MS } from './http-stats-store'
import { DEFAULT_WATCH_TICK_MS } from '../watches/watch-scheduler'
import { readSitemapListings } from './sources/sitemap'
import { DEFAULT_ROBOTS_TIMING } from '../politeness/robots-rules'
import { userAgentWithContact } from '../scraper/scrape-listing'
import { DEFAULT_SOURCE_POLITENESS_ENV, politenessFromEnv } from '../politeness/politeness-settings'

const DEFAULT_BOARD_SITEMAP_URL = 'http://127.0.0.1:8081/sitemap.xml'

export interface CoordinatorEnvContext {
  amqpUri: string
  elasticsearchUrl: string
  listingsIndex: string
  service: string
  logger: Logger
}

export function coordinatorFromEnv(context: CoordinatorEnvContext): Coordinator {
  const template = envString('SCRAPER_SOURCE_URL_TEMPLATE', DEFAULT_SOURCE_URL_TEMPLATE)
  const defaultSourcePoliteness = politenessFromEnv(envString(DEFAULT_SOURCE_POLITENESS_ENV, ''))
  return new Coordinator({
    ...context,
    method: SCRAPE_METHOD,
    indexPrefix: envString('CRAWL_INDEX_PREFIX', 'scrapedeck'),
    window: Math.max(1, envInt('CRAWL_WINDOW', 5000)),
    staleMs: Math.max(1000, envInt('CRAWL_STALE_MS', 600_000)),
    backoff: { baseMs: envInt('CRAWL_BACKOFF_MS', 1000), maxMs: envInt('CRAWL_BACKOFF_MAX_MS', 30_000) },
    sources: {
      boardSitemapUrl: envString('CRAWL_BOARD_SITEMAP_URL', DEFAULT_BOARD_SITEMAP_URL),
      template,
      readSitemap: readSitemapListings
    },
    defaultSourcePoliteness,
    robots: {
      userAgent: userAgentWithContact(envString('SCRAPER_CONTACT_URL', '')),
      timing: {
        ttlMs: Math.max(1000, envInt('CRAWL_ROBOTS_TTL_MS', DEFAULT_ROBOTS_TIMING.ttlMs)),
        errorTtlMs: Math.max(1000, envInt('CRAWL_ROBOTS_ERROR_TTL_MS', DEFAULT_ROBOTS_TIMING.errorTtlMs))
      }
    },
    slotPlan: { ...SLOT_PLAN, marginMs: Math.max(0, envInt('CRAWL_SLOT_MARGIN_MS', SLOT_PLAN.marginMs)) },
    httpStatsCheckpointMs: Math.max(500, envInt('CRAWL_HTTP_STATS_CHECKPOINT_MS', DEFAULT_HTTP_STATS_CHECKPOINT_MS)),
    watchTickMs: Math.max(100, envInt('WATCH_TICK_MS', DEFAULT_WATCH_TICK_MS)),
    amqpInitialRetries: envInt('AMQP_CONNECT_RETRIES', 30)
  })
}

/** Starts the coordinator, retrying while Elasticsearch or the broker is not up yet (a stack still starting). */
export async function startCoordinator(coordinator: Coordinator, logger: Logger, signal?: AbortSignal): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await coordinator.start()
      return
    } catch (err) {
      if (signal?.aborted) return
      const delayMs = Math.min(10_000, 500 * 2 ** Math.min(attempt, 5))
      logger.warn('Crawl coordinator cannot start yet; retrying', {
        error: err instanceof Error ? err.message : String(err),
        delayMs
      })
      await new Promise((resolve) => setTimeout(resolve, delayMs))
    }
  }
}
