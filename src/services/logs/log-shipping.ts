/**
 * A service's log shipping as its environment sets it (compose.yaml sets it for every
 * service of the stack):
 *   LOG_STORE            `elasticsearch` ships lines to the log store; `off` (default) keeps them on stderr only
 *   LOG_ELASTICSEARCH_URL  the log store (default ELASTICSEARCH_URL, with the credentials file's password)
 *   LOG_INDEX_PREFIX     index prefix (default CRAWL_INDEX_PREFIX, else scrapedeck): `<prefix>-logs-YYYY.MM.DD`
 *   LOG_BUFFER_LINES     lines held while the store is down (20000); past it lines are dropped and counted
 *   LOG_FLUSH_MS         how long a line may wait for its batch (1000)
 * The replica is LOG_REPLICA, else the container's hostname.
 */
import { hostname } from 'node:os'
import { envInt, envString, logElasticsearchUrlFromEnv } from '../env'
import { createLogger, logIdentity, setLogIdentity, setLogSink } from '../log'
import { LogShipper } from './log-shipper'

const LOG_STORES = ['elasticsearch', 'off'] as const

export interface LogShipping {
  shipper: LogShipper | null
  indexPrefix: string
  /** Ships what is left, for at most `deadlineMs`, then stops. */
  stop: (deadlineMs?: number) => Promise<void>
}

function logIndexPrefixFromEnv(): string {
  return envString('LOG_INDEX_PREFIX', envString('CRAWL_INDEX_PREFIX', 'scrapedeck'))
}

function logStoreFromEnv(): (typeof LOG_STORES)[number] {
  const store = envString('LOG_STORE', 'off')
  if (!(LOG_STORES as readonly string[]).includes(store))
    throw new Error(`Environment variable LOG_STORE must be one of ${LOG_STORES.join(', ')}, got "${store}"`)
  return store as (typeof LOG_STORES)[number]
}

/** Names this process's lines (service, replica) and, when LOG_STORE says so, ships them. */
export function startLogShipping(service: string, replica?: string): LogShipping {
  setLogIdentity({ service, replica: replica ?? envString('LOG_REPLICA', hostname()) })
  const indexPrefix = logIndexPrefixFromEnv()
  if (logStoreFromEnv() === 'off') return { shipper: null, indexPrefix, stop: async () => {} }
  const shipper = new LogShipper({
    elasticsearchUrl: logElasticsearchUrlFromEnv(),
    indexPrefix,
    maxBufferedLines: envInt('LOG_BUFFER_LINES', 20_000),
    flushMs: envInt('LOG_FLUSH_MS', 1000),
    logger: createLogger('log-shipper'),
    report: (text) =>
      process.stderr.write(
        `${JSON.stringify({ time: new Date().toISOString(), level: 'warn', ...logIdentity(), component: 'log-shipper', msg: text })}\n`
      )
  })
  setLogSink((line) => shipper.push(line))
  return {
    shipper,
    indexPrefix,
    stop: async (deadlineMs = 2000) => {
      await shipper.stop(deadlineMs)
      setLogSink(null)
    }
  }
}
