/**
 * After a watched crawl ends: matches every saved search against the listings the crawl is
 * to announce, a page at a time, and sends one webhook per saved search with at least one
 * match; checks the run's health, and POSTs its alerts to the watch's own webhook. Runs in the api service (the coordinator calls it when it
 * closes a watch's run), so it works with the panel closed. Deliveries run in the background
 * through the outbox (webhook-outbox.ts): `start` takes up the deliveries a stopped dispatcher
 * left pending, `close` stops the waits and releases what this one holds.
 */
import { randomBytes } from 'node:crypto'
import type { Listing } from '../../shared/listing'
import type { Delivery, RevealedSavedSearch } from '../../shared/saved-search'
import type { RevealedWatch, Watch, WatchRun } from '../../shared/watch'
import { NoticeRateLimit } from '../../shared/notifications/notice-rate-limit'
import type { Logger } from '../log'
import type { RunHealth } from '../../shared/watch-health'
import { healthAlerts, runFigures, tallyListings } from './health-rules'
import type { ListingTally } from './health-rules'
import { matchesSavedSearch } from './saved-search-match'
import type { SavedSearchStore } from './saved-search-store'
import { leaseUntil, newDelivery, runDelivery } from './webhook-delivery'
import type { WebhookBody } from './webhook-delivery'
import type { DeliveryTarget, HeldEntry, WebhookOutbox } from './webhook-outbox'

/** Listings in one webhook body at most; `total` in the body says how many matched. */
const MAX_LISTINGS_PER_DELIVERY = 500
/** How often the outbox is read for deliveries whose holder stopped. */
const OUTBOX_SCAN_EVERY_MS = 5000
/**
 * Health webhooks per watch per minute at most, as the desktop notices are limited by default
 * (notification-settings.ts): a watch every few seconds on a broken board must not flood its
 * receiver. What is held back is counted in the next body that goes (`heldBack`).
 */
const HEALTH_WEBHOOKS_PER_MINUTE = 3

export interface AlertDispatcherOptions {
  store: SavedSearchStore
  outbox: WebhookOutbox
  /** What a finished crawl announces (the listings it found new or changed), a page at a time. */
  listingPages: (crawlId: string) => AsyncIterable<Listing[]>
  /** Writes a run's health onto the watch's run record. */
  recordHealth: (watchId: string, runId: string, health: RunHealth) => Promise<void>
  /** A watch with its webhook's secret, and where its webhook's deliveries are recorded. */
  watches: {
    reveal: (watchId: string) => Promise<RevealedWatch>
    recordDelivery: (watchId: string, delivery: Delivery) => Promise<void>
  }
  logger: Logger
  firstRetryMs?: number
  outboxScanEveryMs?: number
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

/** A saved search's matches over a whole crawl: how many, and the first ones (what a webhook body carries). */
export interface MatchTotal {
  savedSearch: RevealedSavedSearch
  total: number
  listings: Listing[]
}

/**
 * Matches the pages one after another, keeping per saved search its count and at most `keep`
 * listings, so memory is bounded by a page and the bodies, not by the crawl.
 */
export async function matchPages(
  savedSearches: readonly RevealedSavedSearch[],
  pages: AsyncIterable<Listing[]>,
  keep = MAX_LISTINGS_PER_DELIVERY
): Promise<{ matches: MatchTotal[]; tally: ListingTally }> {
  const totals = new Map<string, MatchTotal>()
  let tally: ListingTally = { listings: 0, withSalary: 0 }
  for await (const page of pages) {
    tally = tallyListings(tally, page)
    for (const group of matchGroups(savedSearches, page)) {
      const name = group.savedSearch.name
      const total = totals.get(name) ?? { savedSearch: group.savedSearch, total: 0, listings: [] }
      total.total += group.listings.length
      total.listings.push(...group.listings.slice(0, Math.max(0, keep - total.listings.length)))
      totals.set(name, total)
    }
  }
  // In the saved searches' order, as matchGroups answers.
  const matches = savedSearches.flatMap((s) => totals.get(s.name) ?? [])
  return { matches, tally }
}

export class AlertDispatcher {
  private readonly running = new Set<Promise<unknown>>()
  private readonly abort = new AbortController()
  /** Deliveries this dispatcher runs now, by id: a scan never claims one of its own. */
  private readonly active = new Set<string>()
  private scanTimer: NodeJS.Timeout | null = null
  private closed = false
  private readonly healthLimit = new NoticeRateLimit()

  constructor(private readonly options: AlertDispatcherOptions) {}

  /** Takes up the outbox's abandoned deliveries now and every few seconds. */
  start(): void {
    if (this.closed || this.scanTimer !== null) return
    const scan = (): void => {
      this.track(this.resumeAbandoned())
      this.scanTimer = setTimeout(scan, this.options.outboxScanEveryMs ?? OUTBOX_SCAN_EVERY_MS)
    }
    scan()
  }

  /** Called once per watch run whose crawl ended; never throws (an alert never fails a run). */
  runEnded(watch: Watch, run: WatchRun): void {
    if (run.crawlId === null || run.outcome === null || run.outcome.state === 'deleted') return
    this.track(this.announce(watch, run, run.crawlId))
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.scanTimer !== null) clearTimeout(this.scanTimer)
    this.abort.abort()
    await Promise.allSettled([...this.running])
  }

  private async announce(watch: Watch, run: WatchRun, crawlId: string): Promise<void> {
    const savedSearches = await this.options.store.listRevealed()
    const { matches, tally } = await matchPages(savedSearches, this.options.listingPages(crawlId))
    // Its own task: a failed health record never holds back the deliveries.
    this.track(this.checkHealth(watch, run, tally))
    for (const match of matches) {
      const { savedSearch } = match
      this.options.logger.info('Saved search matched', {
        savedSearch: savedSearch.name,
        watch: watch.id,
        crawlId,
        matches: match.total
      })
      await this.options.store.recordMatch(savedSearch.name, {
        at: new Date().toISOString(),
        watch: watch.id,
        crawlId,
        listings: match.total
      })
      if (savedSearch.webhook === null) continue
      await this.send({ kind: 'saved-search', name: savedSearch.name }, savedSearch.webhook, savedSearch.secret, {
        event: 'matches',
        savedSearch: savedSearch.name,
        watch: watch.id,
        crawlId,
        total: match.total,
        listings: match.listings
      })
    }
  }

  /** Keeps the delivery in the outbox, records it pending, and runs it in the background. */
  private async send(target: DeliveryTarget, url: string, secret: string, body: WebhookBody): Promise<void> {
    const entry = newDelivery({ target, url, secret, body, holder: this.options.outbox.holder, now: new Date() })
    const held = await this.options.outbox.add(entry)
    await this.recorderOf(target)(entry.delivery)
    this.run(held)
  }

  private run(held: HeldEntry): void {
    const { delivery, target } = held.entry
    this.active.add(delivery.id)
    this.track(
      runDelivery(held, {
        outbox: this.options.outbox,
        record: this.recorderOf(target),
        signal: this.abort.signal,
        ...(this.options.firstRetryMs === undefined ? {} : { firstRetryMs: this.options.firstRetryMs })
      })
        .then((ended) =>
          this.options.logger.info('Webhook delivery ended', {
            ...targetFields(target),
            delivery: ended.id,
            state: ended.state,
            attempts: ended.attempts.length
          })
        )
        .finally(() => this.active.delete(delivery.id))
    )
  }

  /** Claims each delivery whose holder's lease has passed, and goes on from the attempt it had reached. */
  private async resumeAbandoned(): Promise<void> {
    if (this.closed) return
    const now = new Date()
    for (const held of await this.options.outbox.expired(now)) {
      if (this.closed) return
      if (this.active.has(held.entry.delivery.id)) continue
      const claimed = await this.options.outbox.keep(held, {
        ...held.entry,
        holder: this.options.outbox.holder,
        leaseUntil: leaseUntil(new Date(held.entry.nextAttemptAt), now)
      })
      if (claimed === null) continue
      this.options.logger.info('Webhook delivery resumed', {
        ...targetFields(held.entry.target),
        delivery: held.entry.delivery.id,
        attempts: held.entry.delivery.attempts.length,
        from: held.entry.holder
      })
      this.run(claimed)
    }
  }

  /** Where a delivery's attempts are recorded; a failed record is logged and the delivery goes on. */
  private recorderOf(target: DeliveryTarget): (delivery: Delivery) => Promise<void> {
    return async (delivery) => {
      try {
        if (target.kind === 'saved-search') await this.options.store.recordDelivery(target.name, delivery)
        else await this.options.watches.recordDelivery(target.id, delivery)
      } catch (err) {
        this.options.logger.warn('Webhook delivery not recorded', {
          ...targetFields(target),
          delivery: delivery.id,
          error: err instanceof Error ? err.message : String(err)
        })
      }
    }
  }

  /**
   * The run's figures against the last run that has them; alerts are logged, recorded on the
   * run, and sent to the watch's webhook (at most HEALTH_WEBHOOKS_PER_MINUTE a minute).
   */
  private async checkHealth(watch: Watch, run: WatchRun, tally: ListingTally): Promise<void> {
    if (run.outcome === null) return
    const changes = run.outcome.changes
    const live = changes === null ? null : changes.new + changes.changed + changes.unchanged
    const figures = runFigures(run.outcome.total, run.outcome.failed, tally, live)
    const previous = watch.runs.find(
      (r) => r.id !== run.id && r.health !== undefined && r.health !== null && r.dueAt < run.dueAt
    )
    const alerts = healthAlerts(figures, previous?.health ?? null)
    for (const alert of alerts)
      this.options.logger.warn('Watch health alert', { watch: watch.id, crawlId: run.crawlId, ...alert })
    const health = { ...figures, alerts }
    await this.options.recordHealth(watch.id, run.id, health)
    if (alerts.length === 0 || watch.webhook === null) return
    const admitted = this.healthLimit.admit(watch.id, Date.now(), HEALTH_WEBHOOKS_PER_MINUTE)
    if (!admitted.show) {
      this.options.logger.info('Health webhook held back', { watch: watch.id, crawlId: run.crawlId })
      return
    }
    // The secret as stored now: the watch passed in is the public shape.
    const revealed = await this.options.watches.reveal(watch.id)
    if (revealed.webhook === null) return
    await this.send({ kind: 'watch', id: watch.id }, revealed.webhook, revealed.secret, {
      event: 'health',
      savedSearch: null,
      watch: watch.id,
      crawlId: run.crawlId,
      run: run.id,
      alerts,
      health,
      heldBack: admitted.heldBack,
      listings: []
    })
  }

  private track(work: Promise<unknown>): void {
    const guarded = work.catch((err: unknown) =>
      this.options.logger.warn('Alert failed', { error: err instanceof Error ? err.message : String(err) })
    )
    this.running.add(guarded)
    void guarded.finally(() => this.running.delete(guarded))
  }
}

function targetFields(target: DeliveryTarget): Record<string, string> {
  return target.kind === 'saved-search' ? { savedSearch: target.name } : { watch: target.id }
}

/** A dispatcher's name in the outbox's leases: unique per process start. */
export function outboxHolderName(): string {
  return `h-${randomBytes(6).toString('hex')}`
}
