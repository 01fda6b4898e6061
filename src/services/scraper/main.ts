/**
 * `npm run service:scraper`: the scraper RPC service on the broker until SIGTERM / SIGINT.
 */
import { DEFAULT_AMQP_URI, DEFAULT_SCRAPER_SERVICE, envInt, envString } from '../env'
import { createLogger } from '../log'
import { DEFAULT_MAX_DELIVERIES } from '../rpc/delivery-count'
import { RpcServer } from '../rpc/server'
import { PARSE_DEFAULTS } from './parse-pool'
import { SCRAPE_DEFAULTS } from './scrape-listing'
import { createScraperService } from './service'

/** The local job board's default address (src/services/jobboard). */
const DEFAULT_SOURCE_URL_TEMPLATE = 'http://127.0.0.1:8081/jobs/{id}'

async function main(): Promise<void> {
  const logger = createLogger('scraper')
  const amqpUri = envString('AMQP_URI', DEFAULT_AMQP_URI)
  const service = createScraperService({
    serviceName: envString('SCRAPER_SERVICE_NAME', DEFAULT_SCRAPER_SERVICE),
    sourceUrlTemplate: envString('SCRAPER_SOURCE_URL_TEMPLATE', DEFAULT_SOURCE_URL_TEMPLATE),
    timeoutMs: envInt('SCRAPER_TIMEOUT_MS', SCRAPE_DEFAULTS.timeoutMs),
    parse: {
      timeoutMs: envInt('SCRAPER_PARSE_TIMEOUT_MS', PARSE_DEFAULTS.timeoutMs),
      // 0: one thread per core (at least 2).
      threads: envInt('SCRAPER_PARSE_THREADS', 0) || undefined,
      logger
    }
  })
  const maxWorkers = envInt('SCRAPER_MAX_WORKERS', 10)
  const maxDeliveries = envInt('RPC_MAX_DELIVERIES', DEFAULT_MAX_DELIVERIES)
  const server = new RpcServer(service, { amqpUri, maxWorkers, maxDeliveries, logger })

  let stopping = false
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    logger.info('scraper stopping', { signal })
    try {
      await server.stop()
      await service.close()
      logger.info('scraper stopped')
      process.exit(0)
    } catch (err) {
      logger.error('scraper did not stop cleanly', { error: err instanceof Error ? err.message : String(err) })
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))

  await server.start()
  logger.info('scraper started', {
    service: service.name,
    sourceUrlTemplate: envString('SCRAPER_SOURCE_URL_TEMPLATE', DEFAULT_SOURCE_URL_TEMPLATE),
    maxWorkers,
    // The URI carries credentials; log where, not who.
    broker: new URL(amqpUri).host
  })
}

main().catch((err: unknown) => {
  createLogger('scraper').error('scraper failed to start', { error: err instanceof Error ? err.message : String(err) })
  process.exit(1)
})
