/**
 * One host's status as the surfaces show it (HostStatus, src/shared/source.ts), from what the
 * coordinators share of it (its host-clock document), the limits the engine applies to it and
 * its load in the ledger. Pure: the caller reads, this only puts the pieces together.
 */
import type { HostStatus, Politeness } from '../../shared/source'
import { effectiveGapMs } from './auto-throttle'
import type { HostClockDoc } from './host-clock'
import { DEFAULT_SLOT_MARGIN_MS, allowedPerSecond } from './slot-schedule'

/** A host's load in the crawl ledger. */
export interface HostLoad {
  /** Items being fetched now: dispatched, and their slot open. */
  inFlight: number
  /** Fetch starts (slots opened, or dispatches where there are no slots) over the last minute. */
  lastMinute: number
  /** Items of running crawls on the host, queued or being scraped. */
  remaining: number
}

export const NO_LOAD: HostLoad = { inFlight: 0, lastMinute: 0, remaining: 0 }

export interface HostStatusParts {
  host: string
  source: string
  /** Null when politeness is off for the host. */
  politeness: Politeness | null
  clock: HostClockDoc
  load: HostLoad
  /** Its robots.txt as stored (robotsStatusOf in robots-rules.ts). */
  robots: HostStatus['robots']
  now: number
  marginMs?: number
}

export function hostStatusOf(parts: HostStatusParts): HostStatus {
  const { politeness: p, clock, load, now } = parts
  // The gap the dispatcher plans with: AutoThrottle's and robots.txt's Crawl-delay raise it.
  const gapMs = p === null ? null : Math.max(effectiveGapMs(p, clock.throttleGapMs), parts.robots.crawlDelayMs ?? 0)
  const paused = clock.pausedUntil > now
  return {
    host: parts.host,
    source: parts.source,
    maxInFlight: p?.maxInFlight ?? null,
    effectiveGapMs: gapMs,
    inFlight: load.inFlight,
    requestsPerSecond: load.lastMinute / 60,
    allowedPerSecond:
      p === null || gapMs === null || gapMs === 0
        ? null
        : allowedPerSecond(p, gapMs, 0, parts.marginMs ?? DEFAULT_SLOT_MARGIN_MS),
    remaining: load.remaining,
    robots: parts.robots,
    backoffUntil: paused ? new Date(clock.pausedUntil).toISOString() : null,
    backoffReason: paused ? clock.pauseReason : null,
    blocked: clock.blocked,
    lastAnswer: clock.lastAnswer
  }
}
