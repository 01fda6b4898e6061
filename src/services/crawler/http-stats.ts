/**
 * Per crawl and source host, the sums of the scrapers' fetch reports (scraper/fetch-report.ts)
 * and of robots.txt skips, held in memory: the reply applier records one observation per
 * reply, and http-stats-store.ts checkpoints the crawls that changed every few seconds, one
 * document per crawl and tally, so no reply costs an Elasticsearch write of its own.
 * Reading a crawl's statistics merges its checkpoints (one per coordinator run) with what
 * this process holds since its last one.
 */
import { ROBOTS_DISALLOWED_KIND } from '../../shared/crawl-http-stats'
import type { HostHttpStats } from '../../shared/crawl-http-stats'
import type { FetchReport } from '../scraper/fetch-report'
import { LatencySketch } from './latency-sketch'
import type { SketchBuckets } from './latency-sketch'

export interface ReplyObservation {
  crawlId: string
  /** The host the item was dispatched to (the report names it too, when there is one). */
  host: string | null
  fetch: FetchReport | null
  /** The error kind the reply carries, if it is an error. */
  errorKind: string | null
}

/** A host's sums as checkpointed: the latency as its sketch's buckets, so checkpoints add up. */
export interface StoredHostStats {
  host: string
  fetches: number
  responses: Record<string, number>
  bytes: number
  redirects: number
  timeouts: number
  robotsSkipped: number
  latency: SketchBuckets
}

function emptyHostStats(host: string): StoredHostStats {
  return { host, fetches: 0, responses: {}, bytes: 0, redirects: 0, timeouts: 0, robotsSkipped: 0, latency: {} }
}

/** Adds one observation to a host's sums. */
function addObservation(stats: StoredHostStats, latency: LatencySketch, observation: ReplyObservation): void {
  const { fetch } = observation
  if (fetch !== null) {
    stats.fetches += 1
    if (fetch.status !== null) stats.responses[fetch.status] = (stats.responses[fetch.status] ?? 0) + 1
    stats.bytes += fetch.bytes
    stats.redirects += fetch.redirects
    if (fetch.timedOut) stats.timeouts += 1
    latency.add(fetch.ms)
  }
  if (observation.errorKind === ROBOTS_DISALLOWED_KIND) stats.robotsSkipped += 1
}

/** Sums several checkpoints of one crawl into what a client sees, busiest host first. */
export function mergeHostStats(parts: StoredHostStats[]): HostHttpStats[] {
  const byHost = new Map<string, { stats: StoredHostStats; latency: LatencySketch }>()
  for (const part of parts) {
    let entry = byHost.get(part.host)
    if (entry === undefined) {
      entry = { stats: emptyHostStats(part.host), latency: new LatencySketch() }
      byHost.set(part.host, entry)
    }
    const { stats } = entry
    stats.fetches += part.fetches
    for (const [status, n] of Object.entries(part.responses))
      stats.responses[status] = (stats.responses[status] ?? 0) + n
    stats.bytes += part.bytes
    stats.redirects += part.redirects
    stats.timeouts += part.timeouts
    stats.robotsSkipped += part.robotsSkipped
    entry.latency.merge(part.latency)
  }
  return [...byHost.values()]
    .map(({ stats, latency }) => ({
      host: stats.host,
      fetches: stats.fetches,
      responses: stats.responses,
      bytes: stats.bytes,
      latencyMs: { p50: latency.quantile(0.5), p95: latency.quantile(0.95), p99: latency.quantile(0.99) },
      redirects: stats.redirects,
      timeouts: stats.timeouts,
      robotsSkipped: stats.robotsSkipped
    }))
    .sort((a, b) => b.fetches + b.robotsSkipped - (a.fetches + a.robotsSkipped) || a.host.localeCompare(b.host))
}

interface CrawlTally {
  /** The checkpoint document this tally writes: a tally started again after eviction writes a new one. */
  docId: string
  hosts: Map<string, { stats: StoredHostStats; latency: LatencySketch }>
  dirty: boolean
  touchedAt: number
}

/** One checkpoint: a crawl's sums in this process since its tally began. */
export interface HttpStatsCheckpoint {
  docId: string
  crawlId: string
  hosts: StoredHostStats[]
}

export class HttpStatsTally {
  private readonly crawls = new Map<string, CrawlTally>()
  private started = 0

  constructor(private readonly coordinatorId: string) {}

  record(observation: ReplyObservation, now = Date.now()): void {
    const host = observation.fetch?.host ?? observation.host
    if (host === null || (observation.fetch === null && observation.errorKind !== ROBOTS_DISALLOWED_KIND)) return
    let crawl = this.crawls.get(observation.crawlId)
    if (crawl === undefined) {
      this.started += 1
      crawl = {
        docId: `${observation.crawlId}:${this.coordinatorId}:${this.started}`,
        hosts: new Map(),
        dirty: false,
        touchedAt: now
      }
      this.crawls.set(observation.crawlId, crawl)
    }
    let entry = crawl.hosts.get(host)
    if (entry === undefined) {
      entry = { stats: emptyHostStats(host), latency: new LatencySketch() }
      crawl.hosts.set(host, entry)
    }
    addObservation(entry.stats, entry.latency, observation)
    crawl.dirty = true
    crawl.touchedAt = now
  }

  /** The crawls changed since their last checkpoint, now marked clean (markDirty puts one back after a failed write). */
  takeDirty(): HttpStatsCheckpoint[] {
    const out: HttpStatsCheckpoint[] = []
    for (const [crawlId, crawl] of this.crawls) {
      if (!crawl.dirty) continue
      crawl.dirty = false
      out.push(this.checkpointOf(crawlId, crawl))
    }
    return out
  }

  markDirty(crawlId: string): void {
    const crawl = this.crawls.get(crawlId)
    if (crawl !== undefined) crawl.dirty = true
  }

  /** What this process holds of a crawl, for reads (fresher than its checkpoint). */
  current(crawlId: string): HttpStatsCheckpoint | null {
    const crawl = this.crawls.get(crawlId)
    return crawl === undefined ? null : this.checkpointOf(crawlId, crawl)
  }

  /** Drops crawls checkpointed and untouched for `idleMs`: their checkpoint holds all of it. */
  evictIdle(idleMs: number, now = Date.now()): void {
    for (const [crawlId, crawl] of this.crawls)
      if (!crawl.dirty && now - crawl.touchedAt > idleMs) this.crawls.delete(crawlId)
  }

  forget(crawlId: string): void {
    this.crawls.delete(crawlId)
  }

  private checkpointOf(crawlId: string, crawl: CrawlTally): HttpStatsCheckpoint {
    return {
      docId: crawl.docId,
      crawlId,
      hosts: [...crawl.hosts.values()].map(({ stats, latency }) => ({
        ...stats,
        responses: { ...stats.responses },
        latency: latency.toJSON()
      }))
    }
  }
}
