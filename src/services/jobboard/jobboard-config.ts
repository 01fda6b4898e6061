/** The job board's settings from the environment (PORT, HOST, JOBBOARD_*), checked up front. */
import { envInt, envNumber, envString } from '../env.js'
import { DEFAULT_CATALOG_OPTIONS } from './catalog.js'
import { parseChurn } from './churn.js'
import { checkFailureRate, parseLatency } from './fault-model.js'
import { DEFAULT_HOSTILE_NESTING, checkHostileSettings } from './hostile-pages.js'
import type { StartJobBoardOptions } from './server.js'
import { parseBoardRobots } from './robots-txt.js'
import { parseRefusalSpell, parseSiteLimit } from './site-limit.js'
import { SITEMAP_MAX_URLS } from './sitemap-xml.js'

const DEFAULT_JOBBOARD_PORT = 8081

export function jobBoardOptionsFromEnv(): StartJobBoardOptions {
  const publicUrl = envString('JOBBOARD_PUBLIC_URL', '')
  return {
    host: envString('HOST', '127.0.0.1'),
    port: envInt('PORT', DEFAULT_JOBBOARD_PORT),
    seed: envInt('JOBBOARD_SEED', DEFAULT_CATALOG_OPTIONS.seed),
    count: envInt('JOBBOARD_COUNT', DEFAULT_CATALOG_OPTIONS.count),
    today: envString('JOBBOARD_TODAY', DEFAULT_CATALOG_OPTIONS.today),
    latency: withName('JOBBOARD_LATENCY_MS', () => parseLatency(envString('JOBBOARD_LATENCY_MS', '0'))),
    failureRate: withName('JOBBOARD_FAILURE_RATE', () => checkFailureRate(envNumber('JOBBOARD_FAILURE_RATE', 0))),
    pageSize: envInt('JOBBOARD_PAGE_SIZE', 50),
    sitemapPageSize: envInt('JOBBOARD_SITEMAP_PAGE_SIZE', SITEMAP_MAX_URLS),
    // The count is checked against the catalog when the board starts (it must not exceed the active listings).
    hostile: withName('JOBBOARD_HOSTILE_NESTING', () =>
      checkHostileSettings({
        count: envInt('JOBBOARD_HOSTILE_COUNT', 0),
        nesting: envInt('JOBBOARD_HOSTILE_NESTING', DEFAULT_HOSTILE_NESTING)
      })
    ),
    limit: withName('JOBBOARD_LIMIT', () => parseSiteLimit(envString('JOBBOARD_LIMIT', ''))),
    refuseFor: withName('JOBBOARD_REFUSE_FOR', () => parseRefusalSpell(envString('JOBBOARD_REFUSE_FOR', ''))),
    robots: withName('JOBBOARD_ROBOTS', () => parseBoardRobots(envString('JOBBOARD_ROBOTS', ''))),
    churn: withName('JOBBOARD_CHURN', () => parseChurn(envString('JOBBOARD_CHURN', ''))),
    sitemapLastmod: envString('JOBBOARD_SITEMAP_LASTMOD', 'true') !== 'false',
    ...(publicUrl ? { publicUrl } : {})
  }
}

function withName<T>(name: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    throw new Error(`Environment variable ${name}: ${(error as Error).message}`)
  }
}
