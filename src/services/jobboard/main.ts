/** `npm run service:jobboard`: the local job board as a process (and a container's entry point). */
import { createLogger } from '../log.js'
import { startLogShipping } from '../logs/log-shipping.js'
import { boardSetFromEnv } from './board-set-config.js'
import { startBoardSet } from './board-set.js'
import { jobBoardOptionsFromEnv } from './jobboard-config.js'

const shipping = startLogShipping('jobboard')
const logger = createLogger('jobboard')

async function main(): Promise<void> {
  const { host = '127.0.0.1', port = 0, ...options } = jobBoardOptionsFromEnv()
  const boards = boardSetFromEnv()
  const set = await startBoardSet({ host, port, defaults: options, boards, logger })
  const { catalog, hostileIds } = set.defaultBoard
  const { seed, count, today } = catalog.options
  const active = catalog.entries.filter((entry) => entry.status === 'active').length
  logger.info('job board listening', {
    url: set.url,
    seed,
    count,
    today,
    active,
    expired: count - active,
    latency: options.latency,
    failureRate: options.failureRate,
    sitemapPageSize: options.sitemapPageSize,
    hostileIds: [...hostileIds],
    boards: boards.length
  })
  for (const { name, url, board } of set.boards) {
    const { seed, count } = board.catalog.options
    const limit = board.site.snapshot().limit
    logger.info('board listening', { board: name, url, seed, count, limit })
  }

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info('stopping: finishing requests in flight', { signal })
    // Do not wait forever for a client that keeps its connection busy.
    setTimeout(() => process.exit(0), 5_000).unref()
    set.close().then(
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
