/**
 * The API service process (`npm run service:api`). Env: PORT (8080), HOST (127.0.0.1),
 * AMQP_URI and ELASTICSEARCH_URL (with the credentials of RABBITMQ_DEFAULT_USER / _PASS and
 * ELASTIC_PASSWORD when they name none), ELASTICSEARCH_INDEX (joblistings), SCRAPER_SERVICE_NAME,
 * RPC_TIMEOUT_MS (30000), ES_REQUEST_TIMEOUT_MS (1500); the crawl coordinator's CRAWL_* (see
 * src/services/crawler/coordinator-config.ts).
 */
import { DEFAULT_SCRAPER_SERVICE, amqpUriFromEnv, elasticsearchUrlFromEnv, envInt, envString } from '../env'
import { createLogger } from '../log'
import { DEFAULT_LISTINGS_INDEX } from '../listings/listing-index'
import { RpcClient } from '../rpc/client'
import { coordinatorFromEnv, startCoordinator } from '../crawler/coordinator-config'
import { startApi } from './server'
import { crawlMetricsRegistry } from '../metrics/crawl-metrics'

const logger = createLogger('api')

async function main(): Promise<void> {
  const rpcTimeoutMs = envInt('RPC_TIMEOUT_MS', 30_000)
  const amqpUri = amqpUriFromEnv()
  const client = await RpcClient.connect({
    amqpUri,
    defaultTimeoutMs: rpcTimeoutMs,
    connectionName: 'scrapedeck-api',
    logger,
    // In a stack the broker may still be starting.
    initialRetries: envInt('AMQP_CONNECT_RETRIES', 30)
  })
  const elasticsearchUrl = elasticsearchUrlFromEnv()
  const index = envString('ELASTICSEARCH_INDEX', DEFAULT_LISTINGS_INDEX)
  const service = envString('SCRAPER_SERVICE_NAME', DEFAULT_SCRAPER_SERVICE)
  // Crawls run in this process (see coordinator.ts for why); it starts once ES and the broker answer.
  const coordinator = coordinatorFromEnv({ amqpUri, elasticsearchUrl, listingsIndex: index, service, logger })
  const stopStarting = new AbortController()
  void startCoordinator(coordinator, logger, stopStarting.signal)
  const api = await startApi({
    port: envInt('PORT', 8080),
    host: envString('HOST', '127.0.0.1'),
    elasticsearchUrl,
    index,
    esRequestTimeoutMs: envInt('ES_REQUEST_TIMEOUT_MS', 1500),
    rpc: { client, service, timeoutMs: rpcTimeoutMs },
    crawler: coordinator,
    metrics: crawlMetricsRegistry(coordinator),
    logger
  })

  const shutdown = (signal: string): void => {
    logger.info('Shutting down', { signal })
    stopStarting.abort()
    void api
      .close()
      .then(() => coordinator.close())
      .then(() => client.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error('Unclean shutdown', { error: err instanceof Error ? err.message : String(err) })
        process.exit(1)
      })
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
}

main().catch((err: unknown) => {
  logger.error('API failed to start', { error: err instanceof Error ? err.message : String(err) })
  process.exit(1)
})
