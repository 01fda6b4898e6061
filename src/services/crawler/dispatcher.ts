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
 * with no slot free now keeps its items queued while the other hosts' items go out. An item
 * whose page the host's robots.txt disallows is skipped, never dispatched; a host whose
 * robots.txt is not known yet dispatches nothing until it is.
 */
import type { estypes } from '@elastic/elasticsearch'
import type { Logger } from '../log'
import type { CrawlerLink } from './crawler-link'
import { correlationId, failure } from './item-outcome'
import { itemSource } from './ledger-docs'
import { itemDocId } from './ledger-indices'
import type { Backoff } from './item-outcome'
import type { ItemStore, ItemUpdate } from './item-store'
import type { DispatchBatches } from './dispatch-batches'
import type { ItemDoc, StoredItem } from './ledger-docs'
import { SCRAPING_QUERY, dueQuery, ofSources } from './dispatch-queries'
import type { FetchSlot } from '../politeness/fetch-slot'
import { effectiveGapMs } from '../politeness/auto-throttle'
import { freshHostClock } from '../politeness/host-clock'
import type { HostClockDoc, HostClocks } from '../politeness/host-clock'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'
import type { PolitenessLookup } from '../politeness/politeness-settings'
import type { RobotsGate } from '../politeness/robots-gate'
import { ROBOTS_DISALLOWED } from '../politeness/robots-rules'
import type { Politeness } from '../../shared/source'
import { DEFAULT_SLOT_MARGIN_MS, MAX_SLOT_WINDOW_MS, planSlots } from '../politeness/slot-schedule'
import type { SlotPlanOptions } from '../politeness/slot-schedule'

/** What a host's share of a tick starts from. */
interface HostTick {
  /** Requests the window still allows this tick. */
  free: number
  now: number
  /** The host's clock as the tick read it (a moment old at most). */
  clock: HostClockDoc
  /** Its requests outstanding. */
  inFlight: number
}

/** What one host takes this tick: up to `room` of its items matching `query`. */
interface HostShare {
  host: string
  query: estypes.QueryDslQueryContainer
  politeness: Politeness
  /** Its gap before robots.txt's Crawl-delay (0: no slots). */
  ownGapMs: number
  room: number
}

/** An item going out, with its host and its fetch slot (null for a host with no gap). */
interface DispatchEntry {
  item: StoredItem
  host: string
  slot: FetchSlot | null
}

/** How long an unconfirmed dispatch may be on its way before it is published again. */
const UNPUBLISHED_GRACE_MS = 30_000

/** Slots start at least this far ahead (publish and delivery) and are handed out at most this far ahead. */
export const SLOT_PLAN: SlotPlanOptions = { leadMs: 150, horizonMs: 1500, marginMs: DEFAULT_SLOT_MARGIN_MS }

interface DispatchPoliteness {
  clocks: HostClocks
  settings: PolitenessLookup
  /** The host a source's pages are on. */
  hostOfSource: (source: string) => string
  plan?: SlotPlanOptions
  /** robots.txt per host (disallowed items are skipped, Crawl-delay raises the gap), with each item's page URL. */
  robots?: { gate: RobotsGate; urlOf: (item: ItemDoc) => string | null }
}

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
  /** Which host goes first next tick. */
  private turn = 0

  constructor(private readonly options: DispatcherOptions) {}

  /**
   * Publishes what the window allows for these running crawls; returns how many. Work is
   * picked per host: each host with due items takes what its politeness allows now (its free
   * slots, or its room under maxInFlight), so a host that waits (paused, blocked, out of slots)
   * holds back only its own items and the others' go out. Hosts take turns being first, so a
   * window too small for all of them is shared over ticks.
   */
  async dispatch(runningCrawlIds: string[]): Promise<number> {
    if (runningCrawlIds.length === 0 || !this.options.link.connected) return 0
    // One refresh per tick makes the counts and searches below see every earlier write.
    await this.options.items.refresh()
    let free = this.options.window - (await this.outstanding())
    if (free <= 0) return 0
    const now = Date.now()
    const due = dueQuery(runningCrawlIds, now)
    const hosts = new Map<string, string[]>()
    for (const source of (await this.options.items.countBy(due, 'source', DEFAULT_SOURCE_NAME)).keys()) {
      const host = this.options.politeness.hostOfSource(source)
      hosts.set(host, [...(hosts.get(host) ?? []), source])
    }
    if (hosts.size === 0) return 0
    // One search for every host's clock; a moment old at most, and every reservation re-reads its own.
    const clocks = new Map((await this.options.politeness.clocks.all()).map((clock) => [clock.host, clock]))
    const inFlight = await this.options.items.countBy(SCRAPING_QUERY, 'host')
    const order = [...hosts]
    const first = this.turn++ % order.length
    const shares: HostShare[] = []
    for (const [host, sources] of [...order.slice(first), ...order.slice(0, first)]) {
      if (free <= 0) break
      const share = await this.shareOf(host, ofSources(due, sources), {
        free,
        now,
        clock: clocks.get(host) ?? freshHostClock(host),
        inFlight: inFlight.get(host) ?? 0
      })
      if (share === null) continue
      shares.push(share)
      free -= share.room
    }
    const sent = await this.sendShares(shares, now)
    this.published += sent
    return sent
  }

  /**
   * What one host may take this tick, from the tick's reads alone. A host with a gap gets
   * fetch slots, reserved on its shared clock; a host with no gap (minGapMs 0) is bound by
   * in-flight only: at most maxInFlight of its requests outstanding, counted in the ledger,
   * and its requests carry no slot. Null when it takes nothing.
   */
  private async shareOf(
    host: string,
    query: estypes.QueryDslQueryContainer,
    tick: HostTick
  ): Promise<HostShare | null> {
    const { settings, plan = SLOT_PLAN } = this.options.politeness
    const batchSize = this.options.batchSize ?? 500
    const politeness = settings.politenessFor(host)
    const { clock, now } = tick
    if (clock.blocked) {
      if (politeness.onBlocked === 'fail') await this.failBlocked(host, query, clock.pauseReason)
      return null
    }
    if (clock.pausedUntil > now + plan.horizonMs) return null
    const ownGapMs = effectiveGapMs(politeness, clock.throttleGapMs)
    if (ownGapMs === 0 && clock.pausedUntil > now) return null
    // What the host's limits leave room for now; the reservation re-reads the clock.
    const room =
      ownGapMs === 0
        ? Math.min(tick.free, politeness.maxInFlight - tick.inFlight)
        : planSlots(clock, politeness, ownGapMs, now, Math.min(tick.free, batchSize), plan).slots.length
    return room > 0 ? { host, query, politeness, ownGapMs, room } : null
  }

  /**
   * The hosts' shares together, whatever their number: per round, one search for every
   * host's next page of due items, robots.txt per host, one reservation of every slotted
   * host's slots (a read and a guarded write of each clock, in two requests), then one batch.
   * A host goes on to its next page only while it has room and its page went out whole; one
   * out of slots takes the rest at a later tick.
   */
  private async sendShares(shares: HostShare[], now: number): Promise<number> {
    const batchSize = this.options.batchSize ?? 500
    let round = shares.map((share) => ({
      share,
      room: share.room,
      after: undefined as estypes.SortResults | undefined
    }))
    let sent = 0
    while (round.length > 0) {
      const sizes = round.map(({ room }) => Math.min(room, batchSize))
      const pages = await this.options.items.searchEach(
        round.map(({ share, after }, i) => ({ query: share.query, size: sizes[i]!, after }))
      )
      const screened = await Promise.all(
        round.map(({ share }, i) => this.screen(share.host, pages[i] ?? [], share.politeness, now))
      )
      const skips = screened.flatMap((verdict) => verdict?.skipped ?? [])
      if (skips.length > 0) await this.options.items.updateMany(skips)
      const entries: DispatchEntry[] = []
      const slotted = new Map<string, { politeness: Politeness; gapMs: number; allowed: StoredItem[] }>()
      round.forEach(({ share }, i) => {
        const verdict = screened[i]
        if (verdict === null || verdict === undefined || verdict.allowed.length === 0) return
        const gapMs = Math.max(share.ownGapMs, verdict.crawlDelayMs ?? 0)
        if (gapMs === 0) entries.push(...verdict.allowed.map((item) => ({ item, host: share.host, slot: null })))
        else slotted.set(share.host, { politeness: share.politeness, gapMs, allowed: verdict.allowed })
      })
      const reserved = await this.reserve(
        new Map(
          [...slotted].map(([host, { politeness, gapMs, allowed }]) => [
            host,
            { politeness, gapMs, count: allowed.length }
          ])
        )
      )
      for (const [host, { allowed }] of slotted)
        entries.push(...(reserved.get(host) ?? []).map((slot, i) => ({ item: allowed[i]!, host, slot })))
      if (entries.length > 0) sent += await this.send(entries, now)
      const out = new Map<string, number>()
      for (const { host } of entries) out.set(host, (out.get(host) ?? 0) + 1)
      round = round.flatMap((entry, i) => {
        const page = pages[i] ?? []
        const verdict = screened[i]
        const went = out.get(entry.share.host) ?? 0
        const whole = verdict != null && went === verdict.allowed.length
        const room = entry.room - went
        const last = page[page.length - 1]
        if (!whole || room <= 0 || page.length < sizes[i]! || last === undefined) return []
        return [{ share: entry.share, room, after: [last.doc.seq, last.doc.crawlId] }]
      })
    }
    return sent
  }

  /**
   * Reserves fetch slots on each host's shared clock, up to the count asked (none while it is
   * blocked, none where another coordinator wrote its clock in between).
   */
  private async reserve(
    wanted: Map<string, { politeness: Politeness; gapMs: number; count: number }>
  ): Promise<Map<string, FetchSlot[]>> {
    const { clocks, plan = SLOT_PLAN } = this.options.politeness
    const changes = new Map(
      [...wanted].map(([host, { politeness, gapMs, count }]) => [
        host,
        (current: HostClockDoc) => {
          if (current.blocked) return null
          // Planned from the time of the reservation, not of the tick: the lead is for publishing only.
          const gap = Math.max(gapMs, effectiveGapMs(politeness, current.throttleGapMs))
          const planned = planSlots(current, politeness, gap, Date.now(), count, plan)
          return planned.slots.length === 0
            ? null
            : { doc: { ...current, nextSlotAt: planned.nextSlotAt }, result: planned.slots }
        }
      ])
    )
    const reserved = await clocks.updateEach(changes)
    return new Map([...reserved].map(([host, slots]) => [host, slots ?? []]))
  }

  /**
   * A page of the host's items split by its robots.txt, with the disallowed ones' `skipped`
   * writes; null while the file is being fetched or cannot be read, or for an empty page.
   */
  private async screen(
    host: string,
    page: StoredItem[],
    politeness: Politeness,
    now: number
  ): Promise<{ allowed: StoredItem[]; skipped: ItemUpdate[]; crawlDelayMs: number | null } | null> {
    const robots = this.options.politeness.robots
    if (robots === undefined) return { allowed: page, skipped: [], crawlDelayMs: null }
    if (page.length === 0) return null
    const verdict = await robots.gate.screen(host, page, (item) => robots.urlOf(item.doc), politeness)
    if (verdict.allowed.length === 0 && verdict.disallowed.length === 0) return null
    const at = new Date(now).toISOString()
    return {
      allowed: verdict.allowed,
      skipped: verdict.disallowed.map(({ item, message }) => robotsSkip(item, host, message, at)),
      crawlDelayMs: verdict.crawlDelayMs
    }
  }

  /** Marks the items dispatched (guarded), then publishes those marked; returns how many. */
  private async send(entries: DispatchEntry[], now: number): Promise<number> {
    const at = new Date(now).toISOString()
    const batch = await this.options.batches.open(now)
    const marked = await this.options.items.updateMany(
      entries.map(({ item, host, slot }) => ({
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
      entries.flatMap(({ item, slot }) =>
        slot === null ? [] : [[itemDocId(item.doc.crawlId, item.doc.listingId, item.doc.source), slot] as const]
      )
    )
    if (marked.updated.length > 0) await this.publish(marked.updated, slots, batch)
    else await this.options.batches.close(batch)
    return marked.updated.length
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

  /** Due items of a blocked host whose source says onBlocked 'fail': failed, with the host's reason. */
  private async failBlocked(host: string, query: estypes.QueryDslQueryContainer, reason: string | null): Promise<void> {
    const items = await this.options.items.search(query, this.options.batchSize ?? 500)
    if (items.length === 0) return
    const at = new Date().toISOString()
    const result = await this.options.items.updateMany(
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
    this.options.logger.warn("Failed the items of a blocked host (its source's onBlocked is 'fail')", {
      host,
      count: result.updated.length
    })
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
          slot: slots.get(itemDocId(doc.crawlId, doc.listingId, doc.source)) ?? null,
          validators: doc.validators ?? null
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

/** An item robots.txt disallows: skipped, never fetched, no attempt spent. */
function robotsSkip(item: StoredItem, host: string, message: string, at: string): ItemUpdate {
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
