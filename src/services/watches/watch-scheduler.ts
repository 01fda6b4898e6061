/**
 * Runs watches on their schedules, inside the crawl coordinator (so in the stack: closing the
 * panel loses nothing). Every tick reads every watch with its version, writes the end of a
 * finished run's crawl into its record, and claims a due time with a write guarded by that
 * version (watch-store.ts): with two coordinators, one wins the write and starts the crawl,
 * the other sees a conflict and moves on. The rules for what is due, missed or skipped are
 * watch-due.ts's.
 *
 * A crash window, said plainly: a coordinator that dies between claiming a slot and recording
 * its crawl's id leaves a run with no crawl; it is closed as failed after CLAIM_ABANDONED_MS
 * (and its crawl, if it did start, runs on as an ordinary crawl).
 */
import type { CrawlStartOptions } from '../../shared/crawl'
import type { Watch, WatchRun } from '../../shared/watch'
import { runInProgress } from '../../shared/watch'
import type { Logger } from '../log'
import { dueStep, manualStep, replaceRun, settledRun } from './watch-due'
import type { CrawlNow } from './watch-due'
import type { VersionedWatch, WatchStore } from './watch-store'
import { WatchError, watchesStarting } from './watch-errors'

export const DEFAULT_WATCH_TICK_MS = 1000
const RUN_NOW_TRIES = 5

export interface WatchSchedulerOptions {
  store: WatchStore
  /** Starts an ordinary crawl (the coordinator's startCrawl); answers its id. */
  startCrawl: (request: CrawlStartOptions) => Promise<string>
  /** A crawl's state and counts now, or null when it does not exist. */
  crawlNow: (id: string) => Promise<CrawlNow | null>
  logger: Logger
  tickMs?: number
  now?: () => Date
  /**
   * Told of each run whose crawl ended, once: by the coordinator whose write recording the
   * end won (alerts hang here).
   */
  onRunEnded?: (watch: Watch, run: WatchRun) => void
}

export class WatchScheduler {
  private timer: NodeJS.Timeout | null = null
  private ticking: Promise<void> | null = null
  private startedAt: Date | null = null
  private closed = false

  constructor(private readonly options: WatchSchedulerOptions) {}

  get store(): WatchStore {
    return this.options.store
  }

  get ready(): boolean {
    return this.startedAt !== null
  }

  /** Begins ticking; a due time before now was missed while no coordinator ran. */
  start(): void {
    if (this.closed || this.startedAt !== null) return
    this.startedAt = this.now()
    this.schedule(0)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    await this.ticking
  }

  /** Starts a run now under the overlap rule; answers the watch with the run recorded. */
  async runNow(id: string): Promise<Watch> {
    if (!this.ready) throw watchesStarting()
    for (let tries = 1; tries <= RUN_NOW_TRIES; tries++) {
      const version = await this.store.read(id)
      const settled = await this.settle(version.watch)
      const step = manualStep(settled, this.now())
      if (!(await this.store.writeIf(version, step.watch))) continue
      this.announceEnded(version.watch, step.watch)
      if (step.kind === 'skip') return step.watch
      return this.launch(step.watch, step.run)
    }
    throw new WatchError(
      'WatchConflict',
      `The watch "${id}" kept changing under this run`,
      'Its coordinator is writing it; try again.'
    )
  }

  /** One pass over every watch (also what each tick does). */
  async tick(): Promise<void> {
    const startedAt = this.startedAt
    if (startedAt === null) return
    for (const version of await this.store.listVersioned()) {
      if (this.closed) return
      try {
        await this.step(version, startedAt)
      } catch (err) {
        this.options.logger.warn('Watch step failed; retrying at the next tick', {
          watch: version.watch.id,
          error: err instanceof Error ? err.message : String(err)
        })
      }
    }
  }

  private async step(version: VersionedWatch, startedAt: Date): Promise<void> {
    const settled = await this.settle(version.watch)
    const now = this.now()
    const step = dueStep(settled, { now, startedAt })
    if (step.kind === 'wait') {
      if (
        settled !== version.watch &&
        (await this.store.writeIf(version, { ...settled, updatedAt: now.toISOString() }))
      )
        this.announceEnded(version.watch, settled)
      return
    }
    // Lost: another coordinator (or an edit) wrote first; the next tick decides from its version.
    if (!(await this.store.writeIf(version, step.watch))) return
    this.announceEnded(version.watch, step.watch)
    if (step.kind === 'skip') {
      this.options.logger.info('Watch run skipped', {
        watch: step.watch.id,
        dueAt: step.run.dueAt,
        reason: step.run.skipped
      })
      return
    }
    await this.launch(step.watch, step.run)
  }

  /** The watch with every run whose crawl ended (or that was left unstarted) closed. */
  private async settle(watch: Watch): Promise<Watch> {
    let settled = watch
    for (const run of watch.runs) {
      if (!runInProgress(run)) continue
      const crawl = run.crawlId === null ? undefined : await this.options.crawlNow(run.crawlId)
      const next = settledRun(run, crawl, this.now())
      if (next !== null) settled = replaceRun(settled, next)
    }
    return settled
  }

  /** Tells onRunEnded of the runs `after` closed that were in progress in `before`. */
  private announceEnded(before: Watch, after: Watch): void {
    const onRunEnded = this.options.onRunEnded
    if (onRunEnded === undefined) return
    for (const run of endedRuns(before, after)) onRunEnded(after, run)
  }

  /** Starts the claimed run's crawl and records its id (or why it could not start). */
  private async launch(watch: Watch, run: WatchRun): Promise<Watch> {
    let recorded: WatchRun
    try {
      const crawlId = await this.options.startCrawl({
        source: { kind: 'sources', names: watch.sources },
        refresh: watch.crawl.refresh,
        maxAttempts: watch.crawl.maxAttempts,
        name: `watch ${watch.name}`
      })
      recorded = { ...run, crawlId }
      this.options.logger.info('Watch run started', {
        watch: watch.id,
        dueAt: run.dueAt,
        trigger: run.trigger,
        crawlId
      })
    } catch (err) {
      recorded = { ...run, error: err instanceof Error ? err.message : String(err) }
      this.options.logger.warn('Watch run could not start its crawl', { watch: watch.id, error: recorded.error })
    }
    return this.store.change(watch.id, (current) => replaceRun(current, recorded))
  }

  private now(): Date {
    return this.options.now?.() ?? new Date()
  }

  private schedule(delayMs: number): void {
    if (this.closed) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.ticking = this.tick()
        .catch((err: unknown) =>
          this.options.logger.warn('Watch loop failed; retrying', {
            error: err instanceof Error ? err.message : String(err)
          })
        )
        .finally(() => {
          this.ticking = null
          this.schedule(this.options.tickMs ?? DEFAULT_WATCH_TICK_MS)
        })
    }, delayMs)
  }
}

/** The runs whose crawl `after` records as ended while `before` had them in progress. */
export function endedRuns(before: Watch, after: Watch): WatchRun[] {
  const open = new Set(before.runs.filter(runInProgress).map((run) => run.id))
  return after.runs.filter((run) => open.has(run.id) && run.outcome !== null)
}
