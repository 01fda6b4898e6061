/**
 * Each host's politeness from the sources that fetch from it, read from the source store and
 * kept for a short while (an edit applies within `maxAgeMs` on every coordinator, at once on
 * the one that made it, without a restart). A host of no registered source gets the contract's
 * defaults. Two sources on one host share its limit, so the host is held to the strictest of
 * their settings.
 */
import { PolitenessSchema } from '../../shared/source'
import type { Politeness, Source } from '../../shared/source'
import { hostOf } from './politeness-settings'
import type { PolitenessLookup } from './politeness-settings'

const DEFAULT_POLITENESS: Politeness = PolitenessSchema.parse({})
/** How long a read of the sources is used before the next tick reads them again. */
const SOURCE_POLITENESS_MAX_AGE_MS = 2000

/** The host a source's listings are fetched from, or null (a source with sitemaps only). */
function sourceHost(source: Pick<Source, 'listingUrlTemplate'>): string | null {
  return source.listingUrlTemplate === null ? null : hostOf(source.listingUrlTemplate.replace('{id}', 'id'))
}

/** The strictest of two settings for one host: fewer in flight, the longer gap, robots and AutoThrottle if either asks, fail before wait. */
function strictest(a: Politeness, b: Politeness): Politeness {
  return {
    maxInFlight: Math.min(a.maxInFlight, b.maxInFlight),
    minGapMs: Math.max(a.minGapMs, b.minGapMs),
    respectRobots: a.respectRobots || b.respectRobots,
    autoThrottle: a.autoThrottle || b.autoThrottle,
    onBlocked: a.onBlocked === 'fail' || b.onBlocked === 'fail' ? 'fail' : 'wait'
  }
}

export class SourcePoliteness implements PolitenessLookup {
  private hosts = new Map<string, Politeness>()
  private sourceHosts = new Map<string, string>()
  private readAt = -Infinity

  constructor(
    private readonly list: () => Promise<Source[]>,
    private readonly maxAgeMs = SOURCE_POLITENESS_MAX_AGE_MS,
    private readonly now: () => number = Date.now
  ) {}

  /** Reads the sources again if the last read is older than maxAgeMs (or was invalidated). */
  async refresh(): Promise<void> {
    if (this.now() - this.readAt < this.maxAgeMs) return
    this.use(await this.list())
    this.readAt = this.now()
  }

  /** The next refresh reads the store (a source was just changed here). */
  invalidate(): void {
    this.readAt = -Infinity
  }

  /** Takes a list of sources as the current set (refresh does this; tests may too). */
  use(sources: Source[]): void {
    const hosts = new Map<string, Politeness>()
    const sourceHosts = new Map<string, string>()
    for (const source of sources) {
      const host = sourceHost(source)
      if (host === null) continue
      sourceHosts.set(source.name, host)
      const known = hosts.get(host)
      hosts.set(host, known === undefined ? source.politeness : strictest(known, source.politeness))
    }
    this.hosts = hosts
    this.sourceHosts = sourceHosts
  }

  politenessFor(host: string): Politeness {
    return this.hosts.get(host.toLowerCase()) ?? DEFAULT_POLITENESS
  }

  /** The host of a registered source's listings, or undefined. */
  hostOfSource(name: string): string | undefined {
    return this.sourceHosts.get(name)
  }
}
