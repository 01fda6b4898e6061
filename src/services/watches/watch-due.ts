/**
 * The rules that decide a watch's next step, pure so they are tested with literal times:
 *   - a due time that has come is claimed once, and the next one is computed from now, so a
 *     watch that missed many slots (the stack was down) runs once, not once per slot;
 *   - a slot whose time came before this coordinator started is recorded as `missed`;
 *   - a slot that comes while the previous run's crawl still runs is skipped, with the reason;
 *   - a run claimed but never given its crawl (the coordinator died in between) is closed as
 *     failed after a while, so it does not block the watch forever.
 */
import { randomBytes } from 'node:crypto'
import type { CrawlChangeCounts } from '../../shared/crawl-changes'
import { nextRunAfter } from '../../shared/watch-schedule'
import { WATCH_RUNS_KEPT, runInProgress } from '../../shared/watch'
import type { Watch, WatchRun, WatchRunOutcome } from '../../shared/watch'

/** A claimed run with no crawl after this long was left by a coordinator that stopped. */
export const CLAIM_ABANDONED_MS = 60_000

export interface DueContext {
  now: Date
  /** When this coordinator started: a due time before it was missed while none ran. */
  startedAt: Date
}

export type DueStep =
  | { kind: 'wait' }
  /** Claim the slot and start a crawl for `run`. */
  | { kind: 'run'; watch: Watch; run: WatchRun }
  /** Claim the slot and record it as skipped. */
  | { kind: 'skip'; watch: Watch; run: WatchRun }

/** What to do with a watch now, given its runs as they stand (outcomes already settled). */
export function dueStep(watch: Watch, context: DueContext): DueStep {
  if (watch.paused || watch.nextRunAt === null) return { kind: 'wait' }
  const dueAt = new Date(watch.nextRunAt)
  if (dueAt.getTime() > context.now.getTime()) return { kind: 'wait' }
  const trigger = dueAt.getTime() < context.startedAt.getTime() ? 'missed' : 'schedule'
  const nextRunAt = nextRunAfter(watch.schedule, context.now, new Date(watch.anchorAt)).toISOString()
  const claimed = { ...watch, nextRunAt, updatedAt: context.now.toISOString() }
  return startOrSkip(claimed, newRun(dueAt, trigger, context.now))
}

/** "Run now": the same overlap rule, the schedule untouched. */
export function manualStep(watch: Watch, now: Date): Exclude<DueStep, { kind: 'wait' }> {
  return startOrSkip({ ...watch, updatedAt: now.toISOString() }, newRun(now, 'manual', now))
}

function startOrSkip(watch: Watch, run: WatchRun): Exclude<DueStep, { kind: 'wait' }> {
  const previous = watch.runs.find(runInProgress)
  if (previous === undefined) return { kind: 'run', watch: withRun(watch, run), run }
  const skipped: WatchRun = {
    ...run,
    skipped:
      previous.crawlId === null
        ? 'the previous run is still starting its crawl'
        : `the previous run's crawl ${previous.crawlId} is still running`
  }
  return { kind: 'skip', watch: withRun(watch, skipped), run: skipped }
}

function newRun(dueAt: Date, trigger: WatchRun['trigger'], now: Date): WatchRun {
  return {
    id: randomBytes(6).toString('hex'),
    dueAt: dueAt.toISOString(),
    trigger,
    decidedAt: now.toISOString(),
    crawlId: null,
    skipped: null,
    error: null,
    outcome: null
  }
}

function withRun(watch: Watch, run: WatchRun): Watch {
  return { ...watch, runs: [run, ...watch.runs].slice(0, WATCH_RUNS_KEPT) }
}

/** The watch with one run replaced (matched by id); unchanged when that run is gone. */
export function replaceRun(watch: Watch, run: WatchRun): Watch {
  return { ...watch, runs: watch.runs.map((r) => (r.id === run.id ? run : r)) }
}

/** What a run's crawl looks like now: its state and counts, or null when it no longer exists. */
export interface CrawlNow {
  state: 'running' | 'paused' | 'done' | 'cancelled'
  total: number
  done: number
  failed: number
  finishedAt: string | null
  /** The crawl's change report counts, once it ended; null before, or when it has none. */
  changes: CrawlChangeCounts | null
}

/**
 * A run in progress with its crawl's end written in, once the crawl ended (or was deleted);
 * a run left without a crawl by a stopped coordinator is closed as failed. Null: unchanged.
 */
export function settledRun(run: WatchRun, crawl: CrawlNow | null | undefined, now: Date): WatchRun | null {
  if (!runInProgress(run)) return null
  if (run.crawlId === null) {
    if (now.getTime() - Date.parse(run.decidedAt) < CLAIM_ABANDONED_MS) return null
    return { ...run, error: 'the coordinator stopped before it started the crawl' }
  }
  if (crawl === undefined) return null
  if (crawl === null)
    return { ...run, outcome: { state: 'deleted', total: 0, done: 0, failed: 0, finishedAt: null, changes: null } }
  if (crawl.state !== 'done' && crawl.state !== 'cancelled') return null
  const outcome: WatchRunOutcome = {
    state: crawl.state,
    total: crawl.total,
    done: crawl.done,
    failed: crawl.failed,
    finishedAt: crawl.finishedAt,
    changes: crawl.changes
  }
  return { ...run, outcome }
}
