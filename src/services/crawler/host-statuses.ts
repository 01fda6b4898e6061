/**
 * Every host's status (HostStatus) as the coordinator knows it: the shared host clocks, the
 * limits the dispatcher applies, and the ledger's load. Hosts are those of the registered
 * sources, those with a host clock and those with items in the ledger.
 */
import { DEFAULT_SOURCE_NAME } from '../../shared/source'
import type { HostStatus } from '../../shared/source'
import type { CrawlHostStats } from '../../shared/crawl'
import type { Counts } from './crawl-stats'
import { freshHostClock } from '../politeness/host-clock'
import type { HostClocks } from '../politeness/host-clock'
import { NO_LOAD, hostStatusOf } from '../politeness/host-status'
import type { PolitenessLookup } from '../politeness/politeness-settings'
import type { HostLoads } from './host-load'
import { robotsStatusOf } from '../politeness/robots-rules'
import type { RobotsSummary } from '../politeness/robots-rules'

export interface HostStatusesOptions {
  clocks: HostClocks
  loads: HostLoads
  politeness: PolitenessLookup
  /** The registered sources' names. */
  sourceNames: () => Promise<string[]>
  /** The host the dispatcher paces a source's items by. */
  hostOfSource: (source: string) => string
  runningCrawlIds: () => Promise<string[]>
  /** Every host's stored robots.txt record, without the file, and the agent whose rules apply (null: robots not checked). */
  robots: { summaries: () => Promise<RobotsSummary[]>; userAgent: string } | null
  marginMs?: number
}

export class HostStatuses {
  constructor(private readonly options: HostStatusesOptions) {}

  async all(now = Date.now()): Promise<HostStatus[]> {
    const { clocks, loads, politeness } = this.options
    const [names, clockDocs, ledger, robots] = await Promise.all([
      this.options.sourceNames(),
      clocks.all(),
      this.options.runningCrawlIds().then((ids) => loads.read(ids, now)),
      this.robotsOf()
    ])
    const sourceOf = new Map<string, string>()
    const remaining = new Map<string, number>()
    for (const source of new Set([...names, ...ledger.remainingBySource.keys()])) {
      const host = this.options.hostOfSource(source)
      if (!sourceOf.has(host)) sourceOf.set(host, source)
      remaining.set(host, (remaining.get(host) ?? 0) + (ledger.remainingBySource.get(source) ?? 0))
    }
    const clockOf = new Map(clockDocs.map((doc) => [doc.host, doc]))
    const hosts = new Set([...sourceOf.keys(), ...clockOf.keys(), ...ledger.hosts.keys()])
    return [...hosts].sort().map((host) =>
      hostStatusOf({
        host,
        source: sourceOf.get(host) ?? DEFAULT_SOURCE_NAME,
        politeness: politeness.politenessFor(host),
        clock: clockOf.get(host) ?? freshHostClock(host),
        load: { ...NO_LOAD, ...ledger.hosts.get(host), remaining: remaining.get(host) ?? 0 },
        robots: this.robotsStatus(robots, host),
        now,
        ...(this.options.marginMs === undefined ? {} : { marginMs: this.options.marginMs })
      })
    )
  }

  /** A crawl's part per host (its counts per source, merged by host), slowest first. */
  async ofCrawl(countsBySource: ReadonlyMap<string, Counts>, now = Date.now()): Promise<CrawlHostStats[]> {
    const byHost = new Map<
      string,
      { source: string; done: number; failed: number; waiting: number; scraping: number }
    >()
    for (const [source, counts] of countsBySource) {
      const host = this.options.hostOfSource(source)
      const part = byHost.get(host) ?? { source, done: 0, failed: 0, waiting: 0, scraping: 0 }
      part.done += counts.done
      part.failed += counts.failed
      part.waiting += counts.queued
      part.scraping += counts.scraping
      byHost.set(host, part)
    }
    const [clockDocs, robots] = await Promise.all([this.options.clocks.all(), this.robotsOf()])
    const clocks = new Map(clockDocs.map((doc) => [doc.host, doc]))
    const parts = [...byHost].map(([host, part]): CrawlHostStats => {
      const status = hostStatusOf({
        host,
        source: part.source,
        politeness: this.options.politeness.politenessFor(host),
        clock: clocks.get(host) ?? freshHostClock(host),
        load: NO_LOAD,
        robots: this.robotsStatus(robots, host),
        now,
        ...(this.options.marginMs === undefined ? {} : { marginMs: this.options.marginMs })
      })
      return {
        host,
        ...part,
        allowedPerSecond: status.allowedPerSecond,
        backoffUntil: status.backoffUntil,
        backoffReason: status.backoffReason,
        blocked: status.blocked
      }
    })
    const seconds = (h: CrawlHostStats): number =>
      h.allowedPerSecond === null ? 0 : (h.waiting + h.scraping) / h.allowedPerSecond
    return parts.sort((a, b) => seconds(b) - seconds(a) || a.host.localeCompare(b.host))
  }

  private async robotsOf(): Promise<Map<string, RobotsSummary>> {
    const records = this.options.robots === null ? [] : await this.options.robots.summaries()
    return new Map(records.map((record) => [record.host, record]))
  }

  private robotsStatus(records: Map<string, RobotsSummary>, host: string): HostStatus['robots'] {
    const respected = this.options.robots !== null && this.options.politeness.politenessFor(host).respectRobots
    return robotsStatusOf(records.get(host) ?? null, respected, this.options.robots?.userAgent ?? '')
  }

  async ofSource(source: string, now = Date.now()): Promise<HostStatus[]> {
    return (await this.all(now)).filter((h) => h.source === source)
  }
}
