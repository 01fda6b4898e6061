/**
 * A real crawl stack on loopback, unique per user so others can run theirs at once: the job
 * board in-process (every listing request recorded), scrapers and the API (with its
 * coordinator) as child processes (`node --import tsx`), so a caller can SIGKILL them, on the
 * shared RabbitMQ and Elasticsearch, with their own service name, indices and queues. Free of
 * vitest: the crawler's integration tests (test/crawler/crawl-fixture.ts) and bench/crawl use it.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { connect } from 'amqplib'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import { deleteLedgerIndices, ledgerIndices } from '../../src/services/crawler/ledger-indices'
import { deleteSourcesIndex, sourcesIndex } from '../../src/services/sources/source-index'
import { deleteWatchesIndex, watchesIndex } from '../../src/services/watches/watch-index'
import { ListingRegistry, registryIndex } from '../../src/services/crawler/changes/listing-registry'
import { deleteSavedSearchesIndex, savedSearchesIndex } from '../../src/services/alerts/saved-search-index'
import { deleteWebhookOutboxIndex, webhookOutboxIndex } from '../../src/services/alerts/webhook-outbox'
import { parseBoardSet } from '../../src/services/jobboard/board-set-config'
import type { BoardSetStats } from '../../src/services/jobboard/board-set'
import { startJobBoard } from '../../src/services/jobboard/server'
import { logIndexPattern } from '../../src/shared/log-record'
import { logIndexTemplateName } from '../../src/services/logs/log-index-template'
import type { RunningJobBoard, StartJobBoardOptions } from '../../src/services/jobboard/server'
import { TEST_AMQP_URI } from './nameko'
import { ES_URL } from '../listings/fixtures'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface BoardHit {
  id: string
  at: number
}

export interface TestBoard {
  board: RunningJobBoard
  /** Every /jobs/:id request, in order. */
  hits: BoardHit[]
  activeIds: string[]
  expiredIds: string[]
}

export async function startTestBoard(options: StartJobBoardOptions): Promise<TestBoard> {
  const board = await startJobBoard({ host: '127.0.0.1', port: 0, ...options })
  const hits: BoardHit[] = []
  board.server.prependListener('request', (req) => {
    const match = /^\/jobs\/([^/?]+)/.exec(req.url ?? '')
    if (match?.[1]) hits.push({ id: decodeURIComponent(match[1]), at: Date.now() })
  })
  // The catalog's entries, not its listings: those are generated whole on every read.
  const entries = board.catalog.entries
  return {
    board,
    hits,
    activeIds: entries.filter((l) => l.status === 'active').map((l) => l.id),
    expiredIds: entries.filter((l) => l.status === 'expired').map((l) => l.id)
  }
}

export interface ServiceProcess {
  readonly child: ChildProcess
  output(): string
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  kill(signal?: NodeJS.Signals): Promise<void>
}

export function spawnService(script: 'scraper' | 'api' | 'jobboard', env: Record<string, string>): ServiceProcess {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a child of its own, which
  // a SIGKILL of the CLI would leave running.
  const child = spawn(process.execPath, ['--import', 'tsx', `src/services/${script}/main.ts`], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let output = ''
  const listeners = new Set<() => void>()
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    if (output.length > 4_000_000) output = output.slice(-2_000_000)
    for (const listener of listeners) listener()
  })
  let stopping = false
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // A service that dies on its own is a finding: show why, or the test only sees ECONNREFUSED.
  child.once('exit', (code, signal) => {
    if (!stopping)
      process.stderr.write(
        `\n${script} exited by itself (code ${code}, signal ${signal}); its last output:\n${output.slice(-4000)}\n`
      )
  })
  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(output)
          if (match === null) return
          listeners.delete(check)
          clearTimeout(timer)
          resolve(match)
        }
        const timer = setTimeout(() => {
          listeners.delete(check)
          reject(new Error(`${script} did not log ${pattern} within ${timeoutMs} ms:\n${output.slice(-3000)}`))
        }, timeoutMs)
        listeners.add(check)
        check()
      })
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return
      stopping = true
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
}

export interface CrawlStackNames {
  service: string
  prefix: string
  listingsIndex: string
}

export function uniqueStackNames(label: string): CrawlStackNames {
  const tag = `${label}-${randomBytes(4).toString('hex')}`
  return {
    service: `crawl_${tag.replace(/-/g, '_')}`,
    prefix: `test-crawl-${tag}`,
    listingsIndex: `test-crawl-listings-${tag}`
  }
}

/** The job board as a process of its own (as in the stack), so the test runner's work does not delay when it sees requests. */
export interface BoardProcess {
  board: { url: string }
  process: ServiceProcess
  activeIds: string[]
}

export async function startBoardProcess(env: Record<string, string>): Promise<BoardProcess> {
  const process = spawnService('jobboard', { PORT: '0', HOST: '127.0.0.1', ...env })
  const [, url] = await process.waitFor(/"msg":"job board listening","url":"([^"]+)"/)
  const jobs = (await (await fetch(`${url!}/jobs.json`)).json()) as { jobs: { id: string; status: string }[] }
  return { board: { url: url! }, process, activeIds: jobs.jobs.filter((j) => j.status === 'active').map((j) => j.id) }
}

/** One board of a board-set process: where it listens and the ids it lists. */
export interface SetBoard {
  name: string
  url: string
  activeIds: string[]
  expiredIds: string[]
}

/** A job board process serving the boards of a JOBBOARD_BOARDS value, each on a port of its own. */
export interface BoardSetProcess extends BoardProcess {
  boards: Map<string, SetBoard>
  /** Every board's `/_stats`, as `GET /_boards` answers. */
  stats(): Promise<BoardSetStats>
}

/** `boards` is a JOBBOARD_BOARDS value; every board in it must have a port (0 for any). */
export async function startBoardSetProcess(
  boards: unknown,
  env: Record<string, string> = {}
): Promise<BoardSetProcess> {
  const value = JSON.stringify(boards)
  const names = parseBoardSet(value).map((board) => board.name)
  const base = await startBoardProcess({ JOBBOARD_COUNT: '5', ...env, JOBBOARD_BOARDS: value })
  const set = new Map<string, SetBoard>()
  for (const name of names) {
    const [, url] = await base.process.waitFor(new RegExp(`"msg":"board listening","board":"${name}","url":"([^"]+)"`))
    const jobs = (await (await fetch(`${url!}/jobs.json`)).json()) as { jobs: { id: string; status: string }[] }
    const ids = (status: string): string[] => jobs.jobs.filter((j) => j.status === status).map((j) => j.id)
    set.set(name, { name, url: url!, activeIds: ids('active'), expiredIds: ids('expired') })
  }
  const stats = async (): Promise<BoardSetStats> =>
    (await (await fetch(`${base.board.url}/_boards`)).json()) as BoardSetStats
  return { ...base, boards: set, stats }
}

/** Where the services find the board: an in-process TestBoard, or a board process (its URL). */
export type BoardAddress = Pick<TestBoard, 'board'> | { board: { url: string } }

export async function startScraper(
  names: CrawlStackNames,
  board: BoardAddress,
  replica: string,
  env: Record<string, string> = {}
): Promise<ServiceProcess> {
  const scraper = spawnService('scraper', {
    AMQP_URI: TEST_AMQP_URI,
    SCRAPER_SERVICE_NAME: names.service,
    SCRAPER_SOURCE_URL_TEMPLATE: `${board.board.url}/jobs/{id}`,
    SCRAPER_REPLICA_NAME: replica,
    ...env
  })
  await scraper.waitFor(/"msg":"scraper started"/)
  return scraper
}

/**
 * Starts the API with its coordinator; one that does not start within `timeoutMs` is ended, not
 * left behind. The coordinator starts once Elasticsearch answers, which took over 30 s while
 * the shared node served two suites at a load of 20.
 */
export async function startApiProcess(
  names: CrawlStackNames,
  board: BoardAddress,
  env: Record<string, string> = {},
  timeoutMs = 90_000
): Promise<{ api: ServiceProcess; url: string }> {
  const api = spawnService('api', {
    PORT: '0',
    HOST: '127.0.0.1',
    AMQP_URI: TEST_AMQP_URI,
    ELASTICSEARCH_URL: ES_URL,
    ELASTICSEARCH_INDEX: names.listingsIndex,
    SCRAPER_SERVICE_NAME: names.service,
    SCRAPER_SOURCE_URL_TEMPLATE: `${board.board.url}/jobs/{id}`,
    CRAWL_BOARD_SITEMAP_URL: `${board.board.url}/sitemap.xml`,
    CRAWL_INDEX_PREFIX: names.prefix,
    CRAWL_BACKOFF_MS: '100',
    CRAWL_BACKOFF_MAX_MS: '1000',
    // The test board has no limit: its source is bounded by the crawl window only; the
    // politeness tests set their own.
    CRAWL_DEFAULT_SOURCE_POLITENESS: '10000/0',
    ...env
  })
  try {
    const [, url] = await api.waitFor(/"msg":"API listening","url":"([^"]+)"/, timeoutMs)
    await api.waitFor(/"msg":"Crawl coordinator started"/, timeoutMs)
    return { api, url: url! }
  } catch (err) {
    await api.kill()
    throw err
  }
}

/** Ends a crawl stack's processes (API first, so nothing dispatches to a stopped scraper), then removes what it made. */
export async function stopCrawlStack(
  names: CrawlStackNames,
  parts: { api?: ServiceProcess; scrapers: ServiceProcess[]; board?: TestBoard }
): Promise<void> {
  await parts.api?.kill()
  for (const scraper of parts.scrapers) await scraper.kill()
  await parts.board?.board.close()
  await cleanUpStack(names)
}

/** Removes what a test created on the shared broker and Elasticsearch. */
export async function cleanUpStack(names: CrawlStackNames): Promise<void> {
  const es = createElasticsearchClient(ES_URL, 30_000)
  await deleteLedgerIndices(es, ledgerIndices(names.prefix))
  await deleteSourcesIndex(es, sourcesIndex(names.prefix))
  await deleteWatchesIndex(es, watchesIndex(names.prefix))
  await new ListingRegistry(es, registryIndex(names.prefix)).drop()
  await deleteSavedSearchesIndex(es, savedSearchesIndex(names.prefix))
  await deleteWebhookOutboxIndex(es, webhookOutboxIndex(names.prefix))
  await es.indices.delete({ index: names.listingsIndex }, { ignore: [404] })
  await es.indices.deleteIndexTemplate({ name: `${names.listingsIndex}-listings` }, { ignore: [404] })
  // The stack's log, when its services shipped one (LOG_STORE).
  await es.indices.delete({ index: logIndexPattern(names.prefix), allow_no_indices: true }, { ignore: [404] })
  await es.indices.deleteIndexTemplate({ name: logIndexTemplateName(names.prefix) }, { ignore: [404] })
  await es.close()
  const connection = await connect(TEST_AMQP_URI)
  const channel = await connection.createChannel()
  for (const queue of [`rpc-${names.service}`, `${names.prefix}-crawler-replies`]) await channel.deleteQueue(queue)
  await connection.close()
}

export async function waitUntil<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  what: string,
  everyMs = 250
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== null && value !== undefined && value !== false) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
