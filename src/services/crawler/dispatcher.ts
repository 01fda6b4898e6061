/**
 * Keeps the scraper queue full: up to `window` requests outstanding (items `scraping`)
 * across all running crawls. Each batch is first marked `scraping`, `published: false` in
 * the ledger (guarded, so an item changed meanwhile is left alone), then published with
 * confirms, then marked `published`; a batch the broker did not take goes back to `queued`.
 * A coordinator killed between the first write and the confirm leaves items `scraping` but
 * unpublished: they are published again (same dispatch, so one reply counts) once they are
 * older than UNPUBLISHED_GRACE_MS, or at once by the next coordinator's first pass.
 * Items dispatched but unanswered past the stale deadline (a replica died on them, or the
 * page stalls it) count as a failed attempt.
 *
 * Politeness: an item is dispatched only with a fetch slot of its host (politeness/): the
 * slots are reserved in a batch per host per tick from the host's shared clock, so a host
 * with no slot free now keeps its items queued while the other hosts' items go out.
 */
import type { estypes } from '@elastic/elasticsearch'
import type { Logger } from '../log'
import type { CrawlerLink } from './crawler-link'
import { correlationId, failure } from './item-outcome'
import { itemSource } from './ledger-docs'
import { itemDocId } from './ledger-indices'
import type { Backoff } from './item-outcome'
import { crawlItemsQuery } from './item-store'
import type { ItemStore, ItemUpdate } from './item-store'
import type { ItemDoc, StoredItem } from './ledger-docs'
import type { FetchSlot } from '../politeness/fetch-slot'
import type { HostClockDoc, HostClocks } from '../politeness/host-clock'
import type { PolitenessLookup } from '../politeness/politeness-settings'
import type { RobotsGate } from '../politeness/robots-gate'
import { ROBOTS_DISALLOWED, effectiveGapMs } from '../politeness/robots-rules'
import { DEFAULT_SLOT_MARGIN_MS, MAX_SLOT_WINDOW_MS, planSlots } from '../politeness/slot-schedule'
import type { SlotPlanOptions } from '../politeness/slot-schedule'

/** Queued items of a blocked host whose source fails them rather than letting them wait. */
interface BlockedItems {
  host: string
  items: StoredItem[]
  reason: string | null
}

/** How long an unconfirmed dispatch may be on its way before it is published again. */
const UNPUBLISHED_GRACE_MS = 30_000

/** Slots start at least this far ahead (publish and delivery) and are handed out at most this far ahead. */
export const SLOT_PLAN: SlotPlanOptions = { leadMs: 150, horizonMs: 1500, marginMs: DEFAULT_SLOT_MARGIN_MS }

interface DispatchPoliteness {
  clocks: HostClocks
  settings: PolitenessLookup
  /** The host an item's page is on. */
  hostOf: (item: ItemDoc) => string
  plan?: SlotPlanOptions
  /** robots.txt per host (disallowed items are skipped, Crawl-delay raises the gap), with each item's page URL. */
  robots?: { gate: RobotsGate; urlOf: (item: ItemDoc) => string | null }
}

type Slotted = { item: StoredItem; slot: FetchSlot | null; host: string }

export interface DispatcherOptions {
  items: ItemStore
  link: CrawlerLink
  logger: Logger
  backoff: Backoff
  /** Requests outstanding at most, across crawls. */
  window: number
  /** A request unanswered this long after its dispatch is tried again. */
  staleMs: number
  /** Items per bulk write and publish. */
  batchSize?: number
  politeness: DispatchPoliteness
}

export class Dispatcher {
  /** Requests published since start (tests, logs). */
  published = 0

  constructor(private readonly options: DispatcherOptions) {}

  /** Publishes what the window allows for these running crawls; returns how many. */
  async dispatch(runningCrawlIds: string[]): Promise<number> {
    if (runningCrawlIds.length === 0 || !this.options.link.connected) return 0
    const batchSize = this.options.batchSize ?? 500
    // One refresh per tick makes the counts and searches below see every earlier write.
    await this.options.items.refresh()
    let free = this.options.window - (await this.outstanding())
    let sent = 0
    let after: estypes.SortResults | undefined
    while (free > 0) {
      const now = new Date()
      const query = crawlItemsQuery(runningCrawlIds, 'queued')
      query.bool!.filter = [
        ...(query.bool!.filter as object[]),
        {
          bool: {
            should: [
              { bool: { must_not: { exists: { field: 'notBefore' } } } },
              { range: { notBefore: { lte: now.getTime(), format: 'epoch_millis' } } }
            ]
          }
        }
      ]
      const requested = Math.min(free, batchSize)
      const candidates = await this.options.items.search(query, requested, after)
      if (candidates.length === 0) break
      const last = candidates[candidates.length - 1]!
      after = [last.doc.seq, last.doc.crawlId]
      const { slotted, skipped, blocked } = await this.slotted(candidates, now.getTime())
      const at = now.toISOString()
      if (skipped.length > 0) await this.options.items.updateMany(skipped.map((s) => robotsSkip(s, at)))
      if (blocked.length > 0) await this.failBlocked(blocked, at)
      const marked = await this.options.items.updateMany(
        slotted.map(({ item, slot, host }) => ({
          item,
          changes: {
            state: 'scraping',
            attempts: item.doc.attempts + 1,
            dispatch: item.doc.dispatch + 1,
            dispatchedAt: at,
            published: false,
            notBefore: null,
            updatedAt: at,
            host,
            slotAt: slot?.startAt ?? null
          }
        }))
      )
      const slots = new Map(
        slotted.flatMap(({ item, slot }) =>
          slot === null ? [] : [[itemDocId(item.doc.crawlId, item.doc.listingId, item.doc.source), slot] as const]
        )
      )
      if (marked.updated.length > 0) await this.publish(marked.updated, slots)
      sent += marked.updated.length
      free -= marked.updated.length
      // A host out of slots keeps the rest of its items for a later tick.
      if (slotted.length + skipped.length < candidates.length) break
      if (candidates.length < requested) break
    }
    this.published += sent
    return sent
  }

  /** Items unanswered past the stale deadline: a failed attempt each (RpcTimeout). */
  async expireStale(): Promise<number> {
    const before = Date.now() - this.options.staleMs
    const stale = await this.options.items.search(
      {
        bool: {
          filter: [{ term: { state: 'scraping' } }, { range: { dispatchedAt: { lt: before, format: 'epoch_millis' } } }]
        }
      },
      500
    )
    if (stale.length === 0) return 0
    const now = new Date()
    const seconds = Math.round(this.options.staleMs / 1000)
    const updates: ItemUpdate[] = stale.map((item) => ({
      item,
      changes: failure(
        item.doc,
        'RpcTimeout',
        `No reply within ${seconds} s of dispatch: a replica may have died on this page or it stalls the parser`,
        { replica: null, tookMs: null },
        now,
        this.options.backoff
      )
    }))
    const result = await this.options.items.updateMany(updates)
    if (result.updated.length > 0)
      this.options.logger.warn('Retrying or failing unanswered scrape requests', {
        count: result.updated.length,
        staleMs: this.options.staleMs
      })
    return result.updated.length
  }

  /**
   * The candidates that may go out now, in order, each with its fetch slot. A host with no
   * gap (minGapMs 0) is bound by in-flight only: at most maxInFlight of its requests
   * outstanding, counted in the ledger, and its requests carry no slot.
   */
  private async slotted(
    candidates: StoredItem[],
    now: number
  ): Promise<{ slotted: Slotted[]; skipped: RobotsSkipped[]; blocked: BlockedItems[] }> {
    const { clocks, settings, hostOf, plan = SLOT_PLAN, robots } = this.options.politeness
    const byHost = new Map<string, StoredItem[]>()
    for (const item of candidates) {
      const host = hostOf(item.doc)
      byHost.set(host, [...(byHost.get(host) ?? []), item])
    }
    const slotted: Slotted[] = []
    const skipped: RobotsSkipped[] = []
    const blocked: BlockedItems[] = []
    for (const [host, candidatesOfHost] of byHost) {
      const politeness = settings.politenessFor(host)
      const verdict = robots
        ? await robots.gate.screen(host, candidatesOfHost, (item) => robots.urlOf(item.doc), politeness)
        : { allowed: candidatesOfHost, disallowed: [], crawlDelayMs: null }
      for (const { item, message } of verdict.disallowed) skipped.push({ item, host, message })
      const items = verdict.allowed
      const failBlocked = (clock: HostClockDoc): void => {
        if (politeness.onBlocked === 'fail') blocked.push({ host, items, reason: clock.pauseReason })
      }
      if (items.length === 0) {
        // Waiting for robots.txt: a host blocked for failing it still fails its items if asked to.
        if (verdict.disallowed.length === 0 && politeness.onBlocked === 'fail') {
          const clock = await clocks.get(host)
          if (clock.blocked) blocked.push({ host, items: candidatesOfHost, reason: clock.pauseReason })
        }
        continue
      }
      const gapMs = effectiveGapMs(politeness.minGapMs, verdict.crawlDelayMs)
      if (gapMs === 0) {
        const clock = await clocks.get(host)
        if (clock.blocked) failBlocked(clock)
        if (clock.blocked || clock.pausedUntil > now) continue
        const outstanding = await this.options.items.count({
          bool: { filter: [{ term: { state: 'scraping' } }, { term: { host } }] }
        })
        for (const item of items.slice(0, Math.max(0, politeness.maxInFlight - outstanding)))
          slotted.push({ item, slot: null, host })
        continue
      }
      const slots = await clocks.update(host, (clock) => {
        if (clock.blocked) {
          failBlocked(clock)
          return null
        }
        const planned = planSlots(clock, politeness, gapMs, now, items.length, plan)
        return planned.slots.length === 0
          ? null
          : { doc: { ...clock, nextSlotAt: planned.nextSlotAt }, result: planned.slots }
      })
      ;(slots ?? []).forEach((slot, i) => slotted.push({ item: items[i]!, slot, host }))
    }
    return { slotted, skipped, blocked }
  }

  /** Items of a blocked host whose source says onBlocked 'fail': failed, with the host's reason. */
  private async failBlocked(blocked: BlockedItems[], at: string): Promise<void> {
    const updates: ItemUpdate[] = blocked.flatMap(({ host, items, reason }) =>
      items.map((item) => ({
        item,
        changes: {
          state: 'failed' as const,
          errorKind: 'HostBlocked',
          errorMessage: `${host}: ${reason ?? 'blocked: it kept refusing'}`,
          finishedAt: at,
          updatedAt: at,
          notBefore: null
        }
      }))
    )
    const result = await this.options.items.updateMany(updates)
    this.options.logger.warn('Failed the items of blocked hosts (onBlocked: fail)', {
      hosts: blocked.map((b) => b.host),
      count: result.updated.length
    })
  }

  private async outstanding(): Promise<number> {
    return this.options.items.count({ term: { state: 'scraping' } })
  }

  /**
   * Publishes items marked `scraping` whose publish was never confirmed (the coordinator died
   * in between), older than `graceMs`: 0 on a new coordinator's first pass, when none of
   * them can still be on its way.
   */
  async republishUnconfirmed(graceMs = UNPUBLISHED_GRACE_MS): Promise<number> {
    if (!this.options.link.connected) return 0
    // Our own dispatches of this tick were marked published after the dispatcher's refresh.
    await this.options.items.refresh()
    const now = Date.now()
    const items = await this.options.items.search(
      {
        bool: {
          filter: [
            { term: { state: 'scraping' } },
            { term: { published: false } },
            { range: { dispatchedAt: { lte: now - graceMs, format: 'epoch_millis' } } }
          ]
        }
      },
      this.options.batchSize ?? 500
    )
    // A slotted request is never published twice: a copy might already be in the queue and
    // fetch in that slot. Once its slot has closed no copy can fetch, so it is dispatched anew.
    const closed = items.filter((item) => item.doc.slotAt != null && now > item.doc.slotAt + MAX_SLOT_WINDOW_MS)
    const unslotted = items.filter((item) => item.doc.slotAt == null)
    if (closed.length > 0) {
      const at = new Date(now).toISOString()
      await this.options.items.updateMany(
        closed.map((item) => ({
          item,
          changes: { state: 'queued', attempts: Math.max(0, item.doc.attempts - 1), updatedAt: at }
        }))
      )
    }
    if (unslotted.length === 0) return closed.length
    this.options.logger.warn('Publishing again scrape requests whose publish was not confirmed', {
      count: unslotted.length
    })
    await this.publish(unslotted, new Map())
    return closed.length + unslotted.length
  }

  private async publish(items: StoredItem[], slots: Map<string, FetchSlot>): Promise<void> {
    try {
      await this.options.link.publish(
        items.map(({ doc }) => ({
          crawlId: doc.crawlId,
          listingId: doc.listingId,
          source: itemSource(doc),
          correlationId: correlationId(doc.crawlId, doc.listingId, doc.dispatch, doc.source),
          slot: slots.get(itemDocId(doc.crawlId, doc.listingId, doc.source)) ?? null
        }))
      )
    } catch (err) {
      // Not taken by the broker (or not known to be): back to queued, the attempt not counted.
      // A request that did reach the queue answers a dispatch the item no longer has: ignored.
      this.options.logger.warn('Scrape requests not confirmed by the broker; requeued', {
        count: items.length,
        error: (err as Error).message
      })
      const at = new Date().toISOString()
      await this.options.items.updateMany(
        items.map((item) => ({
          item,
          changes: { state: 'queued', attempts: Math.max(0, item.doc.attempts - 1), updatedAt: at }
        }))
      )
      return
    }
    // A conflict here means a reply already settled the item: nothing left to mark.
    await this.options.items.updateMany(items.map((item) => ({ item, changes: { published: true } })))
  }
}

interface RobotsSkipped {
  item: StoredItem
  host: string
  message: string
}

/** An item robots.txt disallows: skipped, never fetched, no attempt spent. */
function robotsSkip({ item, host, message }: RobotsSkipped, at: string): ItemUpdate {
  return {
    item,
    changes: {
      state: 'skipped',
      errorKind: ROBOTS_DISALLOWED,
      errorMessage: message,
      notBefore: null,
      finishedAt: at,
      updatedAt: at,
      host
    }
  }
}
