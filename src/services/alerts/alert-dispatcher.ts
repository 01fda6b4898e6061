/**
 * After a watched crawl ends: matches every saved search against the listings the crawl is
 * to announce, and sends one webhook per saved search with at least one match. Runs in the
 * api service (the coordinator calls it when it closes a watch's run), so it works with the
 * panel closed. Deliveries run in the background; `close` stops their waits.
 */
import type { Listing } from '../../shared/listing'
import type { RevealedSavedSearch } from '../../shared/saved-search'
import type { Watch, WatchRun } from '../../shared/watch'
import type { Logger } from '../log'
import type { RunHealth } from '../../shared/watch-health'
import { healthAlerts, runFigures } from './health-rules'
import { matchesSavedSearch } from './saved-search-match'
import type { SavedSearchStore } from './saved-search-store'
import { deliverWebhook } from './webhook-delivery'

/** Listings in one webhook body at most; `total` in the body says how many matched. */
const MAX_LISTINGS_PER_DELIVERY = 500

export interface AlertDispatcherOptions {
  store: SavedSearchStore
  /** What a finished crawl announces (today: every listing it fetched and indexed). */
  listingsToAnnounce: (crawlId: string) => Promise<Listing[]>
  /** Writes a run's health onto the watch's run record. */
  recordHealth: (watchId: string, runId: string, health: RunHealth) => Promise<void>
  logger: Logger
  firstRetryMs?: number
}

export interface MatchGroup {
  savedSearch: RevealedSavedSearch
  listings: Listing[]
}

/** Each saved search with its matches among `listings`; those with none are left out. */
export function matchGroups(savedSearches: readonly RevealedSavedSearch[], listings: readonly Listing[]): MatchGroup[] {
  return savedSearches
    .map((savedSearch) => ({ savedSearch, listings: listings.filter((l) => matchesSavedSearch(l, savedSearch.query)) }))
    .filter((group) => group.listings.length > 0)
}

export class AlertDispatcher {
  private readonly running = new Set<Promise<unknown>>()
  private readonly abort = new AbortController()

  constructor(private readonly options: AlertDispatcherOptions) {}

  /** Called once per watch run whose crawl ended; never throws (an alert never fails a run). */
  runEnded(watch: Watch, run: WatchRun): void {
    if (run.crawlId === null || run.outcome === null || run.outcome.state === 'deleted') return
    this.track(this.announce(watch, run, run.crawlId))
  }

  async close(): Promise<void> {
    this.abort.abort()
    await Promise.allSettled([...this.running])
  }

  private async announce(watch: Watch, run: WatchRun, crawlId: string): Promise<void> {
    const [savedSearches, listings] = await Promise.all([
      this.options.store.listRevealed(),
      this.options.listingsToAnnounce(crawlId)
    ])
    // Its own task: a failed health record never holds back the deliveries.
    this.track(this.checkHealth(watch, run, listings))
    for (const group of matchGroups(savedSearches, listings)) {
      const { savedSearch } = group
      this.options.logger.info('Saved search matched', {
        savedSearch: savedSearch.name,
        watch: watch.id,
        crawlId,
        matches: group.listings.length
      })
      await this.options.store.recordMatch(savedSearch.name, {
        at: new Date().toISOString(),
        watch: watch.id,
        crawlId,
        listings: group.listings.length
      })
      if (savedSearch.webhook === null) continue
      this.track(
        deliverWebhook({
          url: savedSearch.webhook,
          secret: savedSearch.secret,
          body: {
            event: 'matches',
            savedSearch: savedSearch.name,
            watch: watch.id,
            crawlId,
            total: group.listings.length,
            listings: group.listings.slice(0, MAX_LISTINGS_PER_DELIVERY)
          },
          record: (delivery) => this.options.store.recordDelivery(savedSearch.name, delivery),
          signal: this.abort.signal,
          ...(this.options.firstRetryMs === undefined ? {} : { firstRetryMs: this.options.firstRetryMs })
        }).then((delivery) =>
          this.options.logger.info('Webhook delivery ended', {
            savedSearch: savedSearch.name,
            delivery: delivery.id,
            state: delivery.state,
            attempts: delivery.attempts.length
          })
        )
      )
    }
  }

  /** The run's figures against the last run that has them; alerts are logged and recorded on the run. */
  private async checkHealth(watch: Watch, run: WatchRun, listings: readonly Listing[]): Promise<void> {
    if (run.outcome === null) return
    const figures = runFigures(run.outcome.total, run.outcome.failed, listings)
    const previous = watch.runs.find(
      (r) => r.id !== run.id && r.health !== undefined && r.health !== null && r.dueAt < run.dueAt
    )
    const alerts = healthAlerts(figures, previous?.health ?? null)
    for (const alert of alerts)
      this.options.logger.warn('Watch health alert', { watch: watch.id, crawlId: run.crawlId, ...alert })
    await this.options.recordHealth(watch.id, run.id, { ...figures, alerts })
  }

  private track(work: Promise<unknown>): void {
    const guarded = work.catch((err: unknown) =>
      this.options.logger.warn('Alert failed', { error: err instanceof Error ? err.message : String(err) })
    )
    this.running.add(guarded)
    void guarded.finally(() => this.running.delete(guarded))
  }
}
