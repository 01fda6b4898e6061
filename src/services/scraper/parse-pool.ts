/**
 * Parsing off the event loop: pages are parsed on a small pool of worker threads (piscina),
 * each under a hard deadline and a heap cap. A parse that outlives its deadline has its
 * thread terminated (piscina starts a fresh one) and the call fails with PageTooComplex;
 * meanwhile the replica's event loop goes on answering other calls, and other pages are
 * parsed on the other threads.
 *
 * The deadline counts from the moment the parse starts, not from when it was queued, so a
 * normal page waiting behind hostile ones is never called hostile itself. Fetch (10 s) plus
 * parse (5 s) stays inside the API's RPC budget (RPC_TIMEOUT_MS, 30 s).
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { MessageChannel } from 'node:worker_threads'
import { Piscina } from 'piscina'
import type { Listing } from '../../shared/listing'
import { silentLogger } from '../log'
import type { Logger } from '../log'
import type { ParseContext } from './parse-listing'
import type { ParseOutcome, ParseTask } from './parse-worker'
import { PageTooComplex, RelayedScrapeError } from './scrape-errors'

export interface ParsePoolOptions {
  /** Worker threads. Default: one per core, at least 2, so one hostile page holds up no other. */
  threads?: number
  /** Longest one page may take to parse. */
  timeoutMs?: number
  /** Heap cap per thread: a page that needs more is PageTooComplex, not the replica's death. */
  maxHeapMb?: number
  logger?: Logger
}

export const PARSE_DEFAULTS = { timeoutMs: 5000, maxHeapMb: 512 } as const

/** The bundle (dist/services/) ships the worker beside the service; from source, tsx loads it. */
function workerFile(): string {
  const bundled = fileURLToPath(new URL('./scraper-parse-worker.mjs', import.meta.url))
  return existsSync(bundled) ? bundled : fileURLToPath(new URL('./parse-worker-tsx.mjs', import.meta.url))
}

let shared: ParsePool | null = null

/** One pool for the process, for callers that bring none (tests, benchmarks, the panel). */
export function sharedParsePool(): ParsePool {
  shared ??= new ParsePool()
  return shared
}

export class ParsePool {
  private readonly pool: Piscina<ParseTask, ParseOutcome>
  private readonly timeoutMs: number
  private readonly maxHeapMb: number

  constructor(options: ParsePoolOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? PARSE_DEFAULTS.timeoutMs
    this.maxHeapMb = options.maxHeapMb ?? PARSE_DEFAULTS.maxHeapMb
    this.pool = new Piscina({
      filename: workerFile(),
      // One thread stays warm so a parse never waits for a thread to load cheerio; the
      // others are started on demand and end after 30 s idle. Idle threads are unref'd.
      minThreads: 1,
      maxThreads: options.threads ?? Math.max(2, availableParallelism()),
      idleTimeout: 30_000,
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb }
    })
    const logger = options.logger ?? silentLogger
    // A thread that fails with no task on it is reported here; unheard, it would end the process.
    this.pool.on('error', (err: Error) => logger.warn('A parse thread failed', { error: err.message }))
  }

  async parse(html: string, context: ParseContext): Promise<Listing> {
    const { port1: started, port2: startedInWorker } = new MessageChannel()
    const abort = new AbortController()
    let deadline: NodeJS.Timeout | undefined
    started.once('message', () => {
      deadline = setTimeout(() => abort.abort(), this.timeoutMs)
    })
    try {
      const task: ParseTask = { html, context, started: startedInWorker }
      const outcome = await this.pool.run(task, { transferList: [startedInWorker], signal: abort.signal })
      if (outcome.ok) return outcome.listing
      throw new RelayedScrapeError(outcome.kind, outcome.message)
    } catch (err) {
      if (abort.signal.aborted)
        throw new PageTooComplex(
          context.url,
          `parsing it took longer than ${this.timeoutMs} ms (SCRAPER_PARSE_TIMEOUT_MS)`
        )
      if ((err as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new PageTooComplex(context.url, `parsing it needed more than ${this.maxHeapMb} MB`)
      }
      throw err
    } finally {
      clearTimeout(deadline)
      started.close()
    }
  }

  /** Ends every thread; parses still running fail. */
  close(): Promise<void> {
    return this.pool.destroy()
  }
}
