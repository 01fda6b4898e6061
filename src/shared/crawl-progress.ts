/**
 * Numbers derived from a crawl's counts, for every client that draws its progress (the
 * panel's Crawls view and the CLI): the stacked bar's segments, percent finished, rate and
 * ETA in words, and the ETA a given number of scraper replicas would reach.
 */
import type { CrawlDetail, CrawlItemState, CrawlSummary } from './crawl'
import { politeEtaSeconds, scalingAdvice } from './politeness-eta'
import type { HostWork, ScalingAdvice } from './politeness-eta'

export type CrawlCounts = Pick<CrawlSummary, CrawlItemState | 'total'>

/** Left to right in a progress bar: finished states first, then what is still to do. */
const SEGMENT_ORDER = [
  'done',
  'skipped',
  'failed',
  'cancelled',
  'scraping',
  'queued'
] as const satisfies readonly CrawlItemState[]

export interface ProgressSegment {
  state: CrawlItemState
  count: number
  /** Where the segment starts and how much it covers, as fractions of the total (0..1). */
  start: number
  fraction: number
}

/** Items no replica will touch again: done, failed, skipped or cancelled. */
export function finishedCount(c: CrawlCounts): number {
  return c.done + c.failed + c.skipped + c.cancelled
}

/** Items still to scrape: queued or in the scraper queue. */
export function remainingCount(c: CrawlCounts): number {
  return c.queued + c.scraping
}

/** 0..100, rounded down so 100 means every item finished. */
export function percentFinished(c: CrawlCounts): number {
  if (c.total <= 0) return 0
  return Math.floor((finishedCount(c) / c.total) * 100)
}

/** The non-empty segments in SEGMENT_ORDER; their fractions add up to 1 (none when the total is 0). */
export function progressSegments(c: CrawlCounts): ProgressSegment[] {
  if (c.total <= 0) return []
  const segments: ProgressSegment[] = []
  let start = 0
  for (const state of SEGMENT_ORDER) {
    const count = c[state]
    if (count <= 0) continue
    const fraction = count / c.total
    segments.push({ state, count, start, fraction })
    start += fraction
  }
  return segments
}

/** "0/s", "0.4/s", "12.3/s", "142/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0/s'
  return `${perSecond < 100 ? perSecond.toFixed(1) : Math.round(perSecond).toString()}/s`
}

/** "—" when unknown; else "45 s", "3 min 05 s", "2 h 04 min", "3 d 4 h". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—'
  const s = Math.ceil(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad2(s % 60)} s`
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${pad2(Math.floor((s % 3600) / 60))} min`
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`
}

function pad2(n: number): string {
  return n.toString().padStart(2, '0')
}

/**
 * What one scraper replica finishes per second, measured: the mean rate of the replicas that
 * finished something in the rate window. Null when none did (nothing measured yet, or paused).
 */
export function perReplicaRate(detail: Pick<CrawlDetail, 'replicas'>): number | null {
  const working = detail.replicas.filter((r) => r.ratePerSecond > 0)
  if (working.length === 0) return null
  return working.reduce((sum, r) => sum + r.ratePerSecond, 0) / working.length
}

/** Each host's part of what remains, with its allowed rate (politeness-eta.ts). */
function hostWork(detail: Pick<CrawlDetail, 'hosts'>): HostWork[] {
  return detail.hosts.map((h) => ({
    host: h.host,
    remaining: h.waiting + h.scraping,
    allowedPerSecond: h.allowedPerSecond
  }))
}

/**
 * Seconds until the remaining items are finished by `replicas` replicas that each keep the
 * measured per-replica rate, but no sooner than each host's remaining ÷ its allowed rate
 * (politeness-eta.ts). 0 when nothing remains; null when the crawl has ended, nothing was
 * measured, or replicas < 1.
 */
export function etaAtReplicas(
  detail: CrawlCounts & Pick<CrawlDetail, 'replicas' | 'state' | 'hosts'>,
  replicas: number
): number | null {
  if (detail.state === 'done' || detail.state === 'cancelled') return null
  const remaining = remainingCount(detail)
  if (remaining === 0) return 0
  const rate = perReplicaRate(detail)
  if (rate === null || replicas < 1) return null
  return politeEtaSeconds(remaining, rate * replicas, hostWork(detail))
}

/** Where more replicas stop making the crawl end sooner, up to `maxReplicas`; null before a rate is measured. */
export function replicaAdvice(
  detail: CrawlCounts & Pick<CrawlDetail, 'replicas' | 'state' | 'hosts'>,
  maxReplicas: number
): ScalingAdvice | null {
  const rate = perReplicaRate(detail)
  if (rate === null || detail.state === 'done' || detail.state === 'cancelled') return null
  return scalingAdvice(remainingCount(detail), rate, hostWork(detail), maxReplicas)
}

/** The CLI's --follow exit status: a crawl that ended done with no failed item is a success. */
export function crawlSucceeded(summary: Pick<CrawlSummary, 'state' | 'failed'>): boolean {
  return summary.state === 'done' && summary.failed === 0
}
