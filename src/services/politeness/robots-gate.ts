/**
 * The coordinator's robots.txt check, before an item is given a fetch slot: per host, its
 * robots.txt is fetched once (by the coordinator, in a fetch slot of the host's own schedule,
 * so the site sees it paced like any page), stored in `<prefix>-robots` for every coordinator,
 * and used until it expires. Until a host's file is known, its items wait; an item the file
 * disallows for our agent is never dispatched (the dispatcher marks it skipped,
 * RobotsDisallowed); an unreachable file (5xx, 429, network error) pauses the host until it is
 * fetched again. A file that expired is still used while its next fetch is under way.
 * A source that chose to ignore robots.txt (respectRobots false) skips all of this, logged.
 */
import { errors as esErrors } from '@elastic/elasticsearch'
import type { Politeness } from '../../shared/source'
import type { Logger } from '../log'
import type { FetchSlot } from './fetch-slot'
import { afterRefusal } from './host-backoff'
import type { HostClocks } from './host-clock'
import { fetchRobotsTxt } from './robots-fetch'
import { SourceUnavailable } from '../scraper/scrape-errors'
import {
  DEFAULT_ROBOTS_TIMING,
  ROBOTS_DISALLOWED,
  effectiveGapMs,
  recordFromAnswer,
  robotsUrlOf,
  rulesOf
} from './robots-rules'
import type { RobotsRecord, RobotsRules, RobotsTiming } from './robots-rules'
import type { RobotsStore } from './robots-store'
import { planSlots, slotSpacingMs } from './slot-schedule'
import type { SlotPlanOptions } from './slot-schedule'

/** How often a single lookup waits for its host's robots.txt (a fetch may find no free slot at first). */
const LOOKUP_TRIES = 4

/** A page not fetched because the host's robots.txt disallows it for our agent (a single lookup's answer). */
export class RobotsDisallowed extends Error {
  override readonly name = ROBOTS_DISALLOWED
}

/** A robots.txt fetch with no slot (a host with no gap) is given this long. */
const UNSLOTTED_TIMEOUT_MS = 10_000

export interface RobotsGateOptions {
  store: RobotsStore
  clocks: HostClocks
  /** The User-Agent our fetches send; its product token is what robots.txt groups are matched against. */
  userAgent: string
  plan: SlotPlanOptions
  logger: Logger
  timing?: RobotsTiming
  now?: () => number
}

export interface RobotsVerdict<T> {
  /** Items that may be fetched. */
  allowed: T[]
  /** Items the host's robots.txt disallows for our agent, each with why. */
  disallowed: { item: T; message: string }[]
  /** The file's Crawl-delay, ms (raises the host's gap), or null. */
  crawlDelayMs: number | null
}

interface Known {
  record: RobotsRecord
  rules: RobotsRules
}

export class RobotsGate {
  private readonly known = new Map<string, Known>()
  private readonly fetching = new Map<string, Promise<void>>()
  private readonly ignoredLogged = new Set<string>()
  private readonly closing = new AbortController()

  constructor(private readonly options: RobotsGateOptions) {}

  /**
   * Splits one host's candidates by its robots.txt. `urlOf` gives an item's page URL (null
   * when its source has no template: left to the scraper to refuse).
   */
  async screen<T>(
    host: string,
    items: T[],
    urlOf: (item: T) => string | null,
    politeness: Politeness
  ): Promise<RobotsVerdict<T>> {
    if (!politeness.respectRobots) {
      if (!this.ignoredLogged.has(host)) {
        this.ignoredLogged.add(host)
        this.options.logger.warn("robots.txt ignored for this host: its source's choice (respectRobots false)", {
          host
        })
      }
      return { allowed: items, disallowed: [], crawlDelayMs: null }
    }
    this.ignoredLogged.delete(host)
    const url = items.map(urlOf).find((u) => u !== null)
    if (url === undefined) return { allowed: items, disallowed: [], crawlDelayMs: null }
    const known = await this.current(host, robotsUrlOf(url), politeness)
    if (known === null || known.record.state === 'unreachable')
      return { allowed: [], disallowed: [], crawlDelayMs: null }
    const verdict: RobotsVerdict<T> = { allowed: [], disallowed: [], crawlDelayMs: known.rules.crawlDelayMs }
    for (const item of items) {
      const page = urlOf(item)
      if (page === null || known.rules.allows(page)) verdict.allowed.push(item)
      else verdict.disallowed.push({ item, message: this.disallowedMessage(host, page) })
    }
    if (verdict.disallowed.length > 0)
      await this.options.store.addDisallowed(host, known.record.fetchedAt, verdict.disallowed.length)
    return verdict
  }

  /**
   * The same rule for a single lookup of `url` on `host`: resolves when our agent may fetch it,
   * throws RobotsDisallowed when robots.txt disallows it, SourceUnavailable while the file
   * cannot be read. A host's first lookup waits for its robots.txt, fetched in a slot as for a crawl.
   * Without `useStore` (the coordinator has not made its indices yet) it goes as while
   * Elasticsearch is away.
   */
  async checkOne(host: string, url: string, politeness: Politeness, useStore = true): Promise<void> {
    const verdict = useStore
      ? await this.verdictOf(host, url, politeness).catch((err: unknown) => {
          if (!(err instanceof esErrors.ElasticsearchClientError)) throw err
          return this.verdictWithoutStore(host, url, politeness)
        })
      : await this.verdictWithoutStore(host, url, politeness)
    if (verdict === 'unknown')
      throw new SourceUnavailable(url, `${host}/robots.txt could not be read yet (or failed); try again shortly`)
    if (verdict.disallowed[0] !== undefined) throw new RobotsDisallowed(verdict.disallowed[0].message)
  }

  private async verdictOf(
    host: string,
    url: string,
    politeness: Politeness
  ): Promise<RobotsVerdict<string> | 'unknown'> {
    for (let attempt = 0; attempt < LOOKUP_TRIES; attempt += 1) {
      const verdict = await this.screen(host, [url], (u) => u, politeness)
      if (verdict.allowed.length + verdict.disallowed.length > 0) return verdict
      const known = this.known.get(host)
      if (known?.record.state === 'unreachable' && known.record.expiresAt > this.now()) return 'unknown'
      await (this.fetching.get(host) ?? new Promise((resolve) => setTimeout(resolve, this.options.plan.horizonMs)))
    }
    return 'unknown'
  }

  /**
   * While Elasticsearch is away a lookup still answers through the scraper, so it still obeys
   * robots.txt: the copy this process holds (even expired), else one fetched now and kept in
   * memory only (unslotted, as the lookup itself: the host's clock is in Elasticsearch too).
   */
  private async verdictWithoutStore(
    host: string,
    url: string,
    politeness: Politeness
  ): Promise<RobotsVerdict<string> | 'unknown'> {
    if (!politeness.respectRobots) return { allowed: [url], disallowed: [], crawlDelayMs: null }
    let known = this.known.get(host)
    if (known === undefined) {
      const robotsUrl = robotsUrlOf(url)
      const signal = AbortSignal.any([AbortSignal.timeout(UNSLOTTED_TIMEOUT_MS), this.closing.signal])
      const answer = await fetchRobotsTxt(robotsUrl, this.options.userAgent, signal)
      const timing = this.options.timing ?? DEFAULT_ROBOTS_TIMING
      const record = recordFromAnswer(host, robotsUrl, answer, this.now(), timing)
      known = { record, rules: rulesOf(record, this.options.userAgent) }
      this.known.set(host, known)
    }
    if (known.record.state === 'unreachable') return 'unknown'
    return known.rules.allows(url)
      ? { allowed: [url], disallowed: [], crawlDelayMs: known.rules.crawlDelayMs }
      : { allowed: [], disallowed: [{ item: url, message: this.disallowedMessage(host, url) }], crawlDelayMs: null }
  }

  private disallowedMessage(host: string, url: string): string {
    return `${host}/robots.txt disallows ${url} for ${this.options.userAgent.split('/')[0]}; not fetched`
  }

  /** Ends fetches under way (the coordinator is closing). */
  async close(): Promise<void> {
    this.closing.abort()
    await Promise.allSettled(this.fetching.values())
  }

  /** The host's robots.txt to use now, or null while it is being fetched; starts a fetch when due. */
  private async current(host: string, robotsUrl: string, politeness: Politeness): Promise<Known | null> {
    const now = this.now()
    let known = this.known.get(host)
    if ((known === undefined || known.record.expiresAt <= now) && !this.fetching.has(host)) {
      const stored = await this.options.store.get(host)
      if (stored !== null && (known === undefined || stored.fetchedAt > known.record.fetchedAt)) {
        known = { record: stored, rules: rulesOf(stored, this.options.userAgent) }
        this.known.set(host, known)
      }
      if (known === undefined || known.record.expiresAt <= now) this.startFetch(host, robotsUrl, politeness, known)
    }
    if (known === undefined) return null
    // An expired file is used while the next fetch is under way; an unreachable one is not.
    return known.record.state === 'unreachable' && known.record.expiresAt <= now ? null : known
  }

  private startFetch(host: string, robotsUrl: string, politeness: Politeness, previous?: Known): void {
    const gapMs = effectiveGapMs(politeness.minGapMs, previous?.rules.crawlDelayMs ?? null)
    const run = this.fetchInSlot(host, robotsUrl, politeness, gapMs)
      .catch((err: unknown) =>
        this.options.logger.warn('Could not fetch or store robots.txt; trying again at a later tick', {
          host,
          error: err instanceof Error ? err.message : String(err)
        })
      )
      .finally(() => this.fetching.delete(host))
    this.fetching.set(host, run)
  }

  /**
   * The file's Crawl-delay may be longer than the gap this fetch's slot was planned with, and the
   * host's next slot was planned one short spacing after it: pushed to one spacing of the
   * Crawl-delay after this fetch's slot, before any page is planned with the file's rules, so the
   * site sees the Crawl-delay between robots.txt and the first page too.
   */
  private async keepCrawlDelayAfter(
    host: string,
    slot: FetchSlot,
    gapMs: number,
    crawlDelayMs: number | null
  ): Promise<void> {
    if (crawlDelayMs === null || crawlDelayMs <= gapMs) return
    const after = slot.startAt + slotSpacingMs(crawlDelayMs, this.options.plan.marginMs)
    // A lost race is another write of the clock: read it again.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const written = await this.options.clocks.update(host, (clock) =>
        clock.nextSlotAt >= after ? { result: true } : { doc: { ...clock, nextSlotAt: after }, result: true }
      )
      if (written !== null) return
    }
  }

  /**
   * Fetches the file in a slot of the host's schedule (reserved as for a page), or at once for a
   * host with no gap; gives up quietly when no slot is free or it would start late (the next
   * tick tries again).
   */
  private async fetchInSlot(host: string, robotsUrl: string, politeness: Politeness, gapMs: number): Promise<void> {
    let slot: FetchSlot | null = null
    if (gapMs > 0) {
      slot = await this.options.clocks.update(host, (clock) => {
        if (clock.blocked) return null
        const planned = planSlots(clock, politeness, gapMs, this.now(), 1, this.options.plan)
        const first = planned.slots[0]
        return first === undefined ? null : { doc: { ...clock, nextSlotAt: planned.nextSlotAt }, result: first }
      })
      if (slot === null) return
      const wait = slot.startAt - this.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      if (this.now() > slot.notAfter || this.closing.signal.aborted) return
    } else {
      const clock = await this.options.clocks.get(host)
      if (clock.blocked || clock.pausedUntil > this.now()) return
    }
    const timeoutMs = slot === null ? UNSLOTTED_TIMEOUT_MS : Math.max(1, slot.endBy - this.now())
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.closing.signal])
    const answer = await fetchRobotsTxt(robotsUrl, this.options.userAgent, signal)
    if (this.closing.signal.aborted) return
    const answered = recordFromAnswer(host, robotsUrl, answer, this.now(), this.options.timing ?? DEFAULT_ROBOTS_TIMING)
    const rules = rulesOf(answered, this.options.userAgent)
    const record = { ...answered, crawlDelayMs: rules.crawlDelayMs }
    if (slot !== null) await this.keepCrawlDelayAfter(host, slot, gapMs, rules.crawlDelayMs)
    await this.options.store.put(record)
    this.known.set(host, { record, rules })
    const fields = { host, state: record.state, httpStatus: record.httpStatus, expiresAt: new Date(record.expiresAt) }
    if (record.state !== 'unreachable') {
      this.options.logger.info('robots.txt fetched', fields)
      return
    }
    this.options.logger.warn('robots.txt unreachable: host paused until it can be read', {
      ...fields,
      reason: record.reason
    })
    await this.pauseHost(host, record)
  }

  /**
   * An unreadable robots.txt is the host refusing: its clock is paused until the file is due
   * again (HostStatus backoffUntil/backoffReason), every slot held until then, and a host whose
   * robots.txt keeps failing is blocked like one whose pages keep refusing (host-backoff.ts).
   */
  private async pauseHost(host: string, record: RobotsRecord): Promise<void> {
    const refusal = { retryAfterMs: record.expiresAt - record.fetchedAt, message: record.reason ?? 'robots.txt failed' }
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const clock = await this.options.clocks.update(host, (doc) => {
        const next = afterRefusal(doc, refusal, this.now())
        return { doc: next, result: next }
      })
      if (clock === null) continue
      if (clock.blocked)
        this.options.logger.warn('Host blocked: its robots.txt keeps failing', { host, reason: clock.pauseReason })
      return
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }
}
