/**
 * `npm run service:scraper`: the scraper RPC service on the broker until SIGTERM / SIGINT.
 */
import { DEFAULT_SCRAPER_SERVICE, DEFAULT_SOURCE_URL_TEMPLATE, amqpUriFromEnv, envInt, envString } from '../env'
import { createLogger } from '../log'
import { startLogShipping } from '../logs/log-shipping'
import { hostname } from 'node:os'
import { warmFetch } from './warm-fetch'
import { slotOpensAt } from '../politeness/slot-gate'
import { CrawlControlListener, crawlServerHooks } from '../crawler/crawl-control'
import { DEFAULT_MAX_DELIVERIES } from '../rpc/delivery-count'
import { RpcServer } from '../rpc/server'
import { PARSE_DEFAULTS } from './parse-pool'
import { SCRAPE_DEFAULTS, userAgentWithContact } from './scrape-listing'
import { createScraperService } from './service'

// The container's hostname tells a crawl which replica scraped each listing (SCRAPER_REPLICA_NAME for processes on one host).
const replica = envString('SCRAPER_REPLICA_NAME', hostname())
const shipping = startLogShipping('scraper', replica)

async function main(): Promise<void> {
  const logger = createLogger('scraper')
  const amqpUri = amqpUriFromEnv()
  // Requests of cancelled or paused crawls are answered without fetching, and the registered
  // sources arrive with the same announcements (crawl-control.ts).
  const serviceName = envString('SCRAPER_SERVICE_NAME', DEFAULT_SCRAPER_SERVICE)
  const control = new CrawlControlListener({ amqpUri, logger, service: serviceName })
  const contactUrl = envString('SCRAPER_CONTACT_URL', '')
  const service = createScraperService({
    serviceName,
    sourceUrlTemplate: envString('SCRAPER_SOURCE_URL_TEMPLATE', DEFAULT_SOURCE_URL_TEMPLATE),
    sources: () => control.announcedSources(),
    logger,
    userAgent: userAgentWithContact(contactUrl),
    timeoutMs: envInt('SCRAPER_TIMEOUT_MS', SCRAPE_DEFAULTS.timeoutMs),
    parse: {
      timeoutMs: envInt('SCRAPER_PARSE_TIMEOUT_MS', PARSE_DEFAULTS.timeoutMs),
      // 0: one thread per core (at least 2).
      threads: envInt('SCRAPER_PARSE_THREADS', 0) || undefined,
      logger
    }
  })
  const maxWorkers = envInt('SCRAPER_MAX_WORKERS', 10)
  // Twice the workers: a worker that has answered takes a waiting request at once (rpc/server.ts).
  const prefetch = envInt('SCRAPER_PREFETCH', 2 * maxWorkers)
  const maxDeliveries = envInt('RPC_MAX_DELIVERIES', DEFAULT_MAX_DELIVERIES)
  // Crawl requests for slots up to the dispatcher's horizon ahead wait on timers, beyond the prefetch.
  const pacedPrefetch = envInt('SCRAPER_PACED_PREFETCH', 100)
  const server = new RpcServer(service, {
    amqpUri,
    maxWorkers,
    prefetch,
    notBefore: slotOpensAt,
    pacedPrefetch,
    maxDeliveries,
    logger,
    replica,
    ...crawlServerHooks(control, replica)
  })

  let stopping = false
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    logger.info('scraper stopping', { signal })
    try {
      await server.stop()
      await control.stop()
      await service.close()
      logger.info('scraper stopped')
      await shipping.stop()
      process.exit(0)
    } catch (err) {
      logger.error('scraper did not stop cleanly', { error: err instanceof Error ? err.message : String(err) })
      await shipping.stop()
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))

  await warmFetch()
  await control.start()
  await server.start()
  logger.info('scraper started', {
    rpcService: service.name,
    sourceUrlTemplate: envString('SCRAPER_SOURCE_URL_TEMPLATE', DEFAULT_SOURCE_URL_TEMPLATE),
    contactUrl: contactUrl === '' ? null : contactUrl,
    maxWorkers,
    prefetch,
    pacedPrefetch,
    // The URI carries credentials; log where, not who.
    broker: new URL(amqpUri).host
  })
}

main().catch((err: unknown) => {
  createLogger('scraper').error('scraper failed to start', { error: err instanceof Error ? err.message : String(err) })
  void shipping.stop().finally(() => process.exit(1))
})
