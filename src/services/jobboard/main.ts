/** `npm run service:jobboard`: the local job board as a process (and a container's entry point). */
import { createLogger } from '../log.js'
import { startLogShipping } from '../logs/log-shipping.js'
import { jobBoardOptionsFromEnv } from './jobboard-config.js'
import { startJobBoard } from './server.js'

const shipping = startLogShipping('jobboard')
const logger = createLogger('jobboard')

async function main(): Promise<void> {
  const options = jobBoardOptionsFromEnv()
  const board = await startJobBoard({ ...options, logger })
  const { seed, count, today } = board.catalog.options
  const active = board.catalog.entries.filter((entry) => entry.status === 'active').length
  logger.info('job board listening', {
    url: board.url,
    seed,
    count,
    today,
    active,
    expired: count - active,
    latency: options.latency,
    failureRate: options.failureRate,
    sitemapPageSize: options.sitemapPageSize,
    hostileIds: [...board.hostileIds]
  })

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info('stopping: finishing requests in flight', { signal })
    // Do not wait forever for a client that keeps its connection busy.
    setTimeout(() => process.exit(0), 5_000).unref()
    board.close().then(
      () => void shipping.stop(1000).finally(() => process.exit(0)),
      (error: unknown) => {
        logger.error('close failed', { error: String(error) })
        process.exit(1)
      }
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  logger.error('job board failed to start', { error: error instanceof Error ? error.message : String(error) })
  process.exit(1)
})
