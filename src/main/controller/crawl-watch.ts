/**
 * One poll loop per followed crawl, however many clients follow it: the coordinator is
 * asked for the crawl's detail at most every `intervalMs` (so progress is throttled per
 * crawl, not per client), and a detail goes out only when it changed. A watch ends for
 * everyone when the crawl ends, is deleted, or the coordinator stops answering.
 */
import type { CrawlDetail } from '../../shared/crawl'
import { ApiClientError } from '../clients/api-client'
import type { CrawlClient } from '../clients/crawl-client'
import type { StreamSource } from './stream-source'

export interface CrawlWatcher {
  onDetail(detail: CrawlDetail): void
  onEnd(reason: string): void
}

interface Watch {
  watchers: Set<CrawlWatcher>
  last: string
  failures: number
  timer: NodeJS.Timeout | null
  /** Polls since the crawl's state said it ended while its counts had not settled yet. */
  settling: number
}

export interface CrawlWatchOptions {
  /** Default 500 ms: at most 2 details a second per crawl. */
  intervalMs?: number
  /** Consecutive failed polls before the watch gives up. Default 20 (10 s at 500 ms). */
  maxFailures?: number
}

export class CrawlWatches {
  private readonly watches = new Map<string, Watch>()
  private readonly intervalMs: number
  private readonly maxFailures: number

  constructor(
    private readonly fetchDetail: (id: string) => Promise<CrawlDetail>,
    options: CrawlWatchOptions = {}
  ) {
    this.intervalMs = options.intervalMs ?? 500
    this.maxFailures = options.maxFailures ?? 20
  }

  /** Follows a crawl whose detail the caller has just read; returns the function that stops following. */
  watch(current: CrawlDetail, watcher: CrawlWatcher): () => void {
    let watch = this.watches.get(current.id)
    if (watch === undefined) {
      watch = { watchers: new Set(), last: JSON.stringify(current), failures: 0, timer: null, settling: 0 }
      this.watches.set(current.id, watch)
      this.schedule(current.id, watch)
    }
    watch.watchers.add(watcher)
    const owned = watch
    return () => {
      owned.watchers.delete(watcher)
      if (owned.watchers.size === 0) this.drop(current.id, owned)
    }
  }

  /** Crawls followed right now (for tests and diagnostics). */
  watched(): string[] {
    return [...this.watches.keys()]
  }

  stopAll(): void {
    for (const [id, watch] of this.watches) this.end(id, watch, 'The panel is closing.')
  }

  private schedule(id: string, watch: Watch): void {
    // Not unref'd: a followed crawl is what keeps `deck crawl start --follow` running; every
    // shell stops its watches on close (stopAll, or the session's dispose).
    watch.timer = setTimeout(() => void this.poll(id, watch), this.intervalMs)
  }

  private async poll(id: string, watch: Watch): Promise<void> {
    watch.timer = null
    let detail: CrawlDetail
    try {
      detail = await this.fetchDetail(id)
      watch.failures = 0
    } catch (err) {
      if (err instanceof ApiClientError && err.kind === 'CrawlNotFound')
        return this.end(id, watch, 'The crawl was deleted.')
      if (++watch.failures >= this.maxFailures) {
        return this.end(
          id,
          watch,
          `The crawl coordinator stopped answering: ${(err as Error).message}. Follow the crawl again when it is back.`
        )
      }
      if (this.watches.get(id) === watch) this.schedule(id, watch)
      return
    }
    if (this.watches.get(id) !== watch) return
    const text = JSON.stringify(detail)
    // A cancel is answered before the coordinator has moved every queued item to `cancelled`:
    // an ended crawl is followed until its counts settle (bounded), so its last detail is final.
    const final = hasEnded(detail) && (hasSettled(detail) || ++watch.settling >= MAX_SETTLING_POLLS)
    // The final detail always goes out, changed or not: a follower's last event is the end state
    // (a crawl that ended before the follow began sends nothing else).
    if (text !== watch.last || final) {
      watch.last = text
      for (const w of [...watch.watchers]) w.onDetail(detail)
    }
    if (final) return this.end(id, watch, `The crawl is ${detail.state}.`)
    this.schedule(id, watch)
  }

  private end(id: string, watch: Watch, reason: string): void {
    this.drop(id, watch)
    for (const w of [...watch.watchers]) w.onEnd(reason)
    watch.watchers.clear()
  }

  private drop(id: string, watch: Watch): void {
    if (watch.timer !== null) clearTimeout(watch.timer)
    watch.timer = null
    if (this.watches.get(id) === watch) this.watches.delete(id)
  }
}

/** The `crawl` stream: the detail now, then each changed detail of the crawl's shared watch, until it ends. */
export function crawlStreamSource(
  crawls: Pick<CrawlClient, 'get'>,
  watches: Pick<CrawlWatches, 'watch'>
): StreamSource<'crawl'> {
  return async ({ id }, sink) => {
    const detail = await crawls.get(id)
    const stop = watches.watch(detail, { onDetail: (next) => sink.push([next]), onEnd: (reason) => sink.end(reason) })
    return { initial: [detail], stop }
  }
}

/** Polls an ended crawl may take for its counts to settle before the watch ends anyway (30 s at 500 ms). */
const MAX_SETTLING_POLLS = 60

/** A crawl whose state will not change any more: done or cancelled, and nothing left to read in. */
function hasEnded(detail: CrawlDetail): boolean {
  return (detail.state === 'done' || detail.state === 'cancelled') && !detail.ingesting
}

/** Nothing of it is waiting or in a scraper: its counts are final. */
function hasSettled(detail: CrawlDetail): boolean {
  return detail.queued === 0 && detail.scraping === 0
}
