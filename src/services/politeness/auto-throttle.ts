/**
 * Scrapy's AutoThrottle rule (scrapy/extensions/throttle.py), per host across the fleet: after
 * each page served, the gap between fetch starts moves toward latency ÷ maxInFlight (so about
 * maxInFlight requests are in flight at the host's own pace): the new gap is the mean of the
 * old one and that target, never below the target, and bounded by the source's minGapMs and
 * AUTO_THROTTLE_MAX_GAP_MS. Refusals do not shorten it (host-backoff.ts handles them). Pure;
 * the gap is kept in the host's clock (throttleGapMs) and used by the dispatcher as its gap.
 */
import type { Politeness } from '../../shared/source'

/** Scrapy's AUTOTHROTTLE_MAX_DELAY: the longest gap a slow host is given. */
const AUTO_THROTTLE_MAX_GAP_MS = 60_000

export type ThrottleTarget = Pick<Politeness, 'maxInFlight' | 'minGapMs'>

/** The gap after a page served in `latencyMs`, from the current one (0 = none yet: the source's minGapMs). */
export function throttledGapMs(currentGapMs: number, latencyMs: number, target: ThrottleTarget): number {
  const current = Math.max(currentGapMs, target.minGapMs)
  const aim = latencyMs / target.maxInFlight
  const next = Math.max(aim, (current + aim) / 2)
  return Math.round(Math.min(AUTO_THROTTLE_MAX_GAP_MS, Math.max(target.minGapMs, next)))
}

/** The gap the host is held to now: its source's, or AutoThrottle's when it asks for it and that is longer. */
export function effectiveGapMs(
  politeness: Pick<Politeness, 'minGapMs' | 'autoThrottle'>,
  throttleGapMs: number
): number {
  return politeness.autoThrottle ? Math.max(politeness.minGapMs, throttleGapMs) : politeness.minGapMs
}
