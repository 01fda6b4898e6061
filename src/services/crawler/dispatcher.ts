/**
 * Keeps the scraper queue full: up to `window` requests outstanding (items `scraping`)
 * across all running crawls. Each batch is first recorded as open (dispatch-batches.ts) and
 * its items marked `scraping` with the batch's id in the ledger (guarded, so an item changed
 * meanwhile is left alone), then published with confirms, then the batch is closed; a batch
 * the broker did not take goes back to `queued`. A coordinator killed between the batch's
 * opening and its closing leaves it open: its items still `scraping` are published again
 * (same dispatch, so one reply counts) once the batch is older than UNPUBLISHED_GRACE_MS, or
 * at once by the next coordinator's first pass.
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
import type { DispatchBatches } from './dispatch-batches'
import type { ItemDoc, StoredItem } from './ledger-docs'
import type { FetchSlot } from '../politeness/fetch-slot'
import type { HostClocks } from '../politeness/host-clock'
import type { PolitenessLookup } from '../politeness/politeness-settings'
import type { RobotsGate } from '../politeness/robots-gate'
import { ROBOTS_DISALLOWED, effectiveGapMs } from '../politeness/robots-rules'
import { DEFAULT_SLOT_MARGIN_MS, MAX_SLOT_WINDOW_MS, planSlots } from '../politeness/slot-schedule'
import type { SlotPlanOptions } from '../politeness/slot-schedule'

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
  batches: DispatchBatches
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
      const { slotted, skipped } = await this.slotted(candidates, now.getTime())
      const at = now.toISOString()
      if (skipped.length > 0) await this.options.items.updateMany(skipped.map((s) => robotsSkip(s, at)))
      if (slotted.length === 0) {
        // A page robots.txt wholly skipped leaves room for the next one; a host out of slots does not.
        if (skipped.length === candidates.length && candidates.length === requested) continue
        break
      }
      const batch = await this.options.batches.open(now.getTime())
      const marked = await this.options.items.updateMany(
        slotted.map(({ item, slot, host }) => ({
          item,
          changes: {
            state: 'scraping',
            attempts: item.doc.attempts + 1,
            dispatch: item.doc.dispatch + 1,
            dispatchedAt: at,
            dispatchBatch: batch,
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
      if (marked.updated.length > 0) await this.publish(marked.updated, slots, batch)
      else await this.options.batches.close(batch)
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
  ): Promise<{ slotted: Slotted[]; skipped: RobotsSkipped[] }> {
    const { clocks, settings, hostOf, plan = SLOT_PLAN, robots } = this.options.politeness
    const byHost = new Map<string, StoredItem[]>()
    for (const item of candidates) {
      const host = hostOf(item.doc)
      byHost.set(host, [...(byHost.get(host) ?? []), item])
    }
    const slotted: Slotted[] = []
    const skipped: RobotsSkipped[] = []
    for (const [host, candidatesOfHost] of byHost) {
      const politeness = settings.politenessFor(host)
      const verdict = robots
        ? await robots.gate.screen(host, candidatesOfHost, (item) => robots.urlOf(item.doc), politeness)
        : { allowed: candidatesOfHost, disallowed: [], crawlDelayMs: null }
      for (const { item, message } of verdict.disallowed) skipped.push({ item, host, message })
      const items = verdict.allowed
      if (items.length === 0) continue
      const gapMs = effectiveGapMs(politeness.minGapMs, verdict.crawlDelayMs)
      if (gapMs === 0) {
        const clock = await clocks.get(host)
        if (clock.blocked || clock.pausedUntil > now) continue
        const outstanding = await this.options.items.count({
          bool: { filter: [{ term: { state: 'scraping' } }, { term: { host } }] }
        })
        for (const item of items.slice(0, Math.max(0, politeness.maxInFlight - outstanding)))
          slotted.push({ item, slot: null, host })
        continue
      }
      const slots = await clocks.update(host, (clock) => {
        if (clock.blocked) return null
        const planned = planSlots(clock, politeness, gapMs, now, items.length, plan)
        return planned.slots.length === 0
          ? null
          : { doc: { ...clock, nextSlotAt: planned.nextSlotAt }, result: planned.slots }
      })
      ;(slots ?? []).forEach((slot, i) => slotted.push({ item: items[i]!, slot, host }))
    }
    return { slotted, skipped }
  }

  private async outstanding(): Promise<number> {
    return this.options.items.count({ term: { state: 'scraping' } })
  }

  /**
   * Publishes again the items of batches whose publish was never confirmed (the coordinator
   * died in between) and still `scraping` in them, for batches older than `graceMs`: 0 on a
   * new coordinator's first pass, when none of them can still be on its way.
   */
  async republishUnconfirmed(graceMs = UNPUBLISHED_GRACE_MS): Promise<number> {
    if (!this.options.link.connected) return 0
    const batches = await this.options.batches.openBefore(Date.now() - graceMs)
    // The batches' items may have been written after the dispatcher's last refresh.
    if (batches.length > 0) await this.options.items.refresh()
    let count = 0
    for (const batch of batches) {
      const items: StoredItem[] = []
      for await (const page of this.options.items.scan({
        bool: { filter: [{ term: { state: 'scraping' } }, { term: { dispatchBatch: batch.id } }] }
      }))
        items.push(...page)
      count += await this.publishAgain(items, batch.id)
    }
    return count
  }

  private async publishAgain(items: StoredItem[], batch: string): Promise<number> {
    const now = Date.now()
    // A slotted request is never published twice: a copy might already be in the queue and
    // fetch in that slot. Once its slot has closed no copy can fetch, so it is dispatched anew.
    const closed = items.filter((item) => item.doc.slotAt != null && now > item.doc.slotAt + MAX_SLOT_WINDOW_MS)
    const unslotted = items.filter((item) => item.doc.slotAt == null)
    const open = items.length - closed.length - unslotted.length
    if (closed.length > 0) {
      const at = new Date(now).toISOString()
      await this.options.items.updateMany(
        closed.map((item) => ({
          item,
          changes: { state: 'queued', attempts: Math.max(0, item.doc.attempts - 1), updatedAt: at }
        }))
      )
    }
    if (unslotted.length > 0) {
      this.options.logger.warn('Publishing again scrape requests whose publish was not confirmed', {
        count: unslotted.length
      })
      // The stale deadline counts from this publish: the lost one never reached a replica.
      const at = new Date(now).toISOString()
      const marked = await this.options.items.updateMany(
        unslotted.map((item) => ({ item, changes: { dispatchedAt: at, updatedAt: at } }))
      )
      await this.publish(marked.updated, new Map(), open === 0 ? batch : null)
    } else if (open === 0) await this.options.batches.close(batch)
    return closed.length + unslotted.length
  }

  /** Publishes with confirms, then closes the batch (null: leave it open, it still holds slotted items). */
  private async publish(items: StoredItem[], slots: Map<string, FetchSlot>, batch: string | null): Promise<void> {
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
    }
    if (batch !== null) await this.options.batches.close(batch)
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
