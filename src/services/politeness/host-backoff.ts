/**
 * What a refusal (a 429, or a 503 judged the host's: host-answers.ts) does to a host's clock: it is paused for every crawl until the
 * time it asked for (Retry-After), or else for an exponential backoff with jitter, capped;
 * after `blockAfter` refusals in a row it is blocked, with the reason. A page served resets
 * the count (pure; host-clock.ts stores the result).
 */
import type { HostClockDoc } from './host-clock'

export interface HostBackoffRule {
  baseMs: number
  maxMs: number
  /** Refusals in a row that block the host. */
  blockAfter: number
  /** Longest Retry-After honoured as asked; a longer one is capped here (and the host soon blocked). */
  maxRetryAfterMs: number
}

const DEFAULT_HOST_BACKOFF: HostBackoffRule = {
  baseMs: 2000,
  maxMs: 120_000,
  blockAfter: 8,
  maxRetryAfterMs: 3_600_000
}

/** The pause after the n-th refusal in a row with no Retry-After: base × 2^(n−1), capped, × a jitter of 0.5–1.5. */
export function backoffMs(refusals: number, rule: HostBackoffRule, random: () => number = Math.random): number {
  const exponential = Math.min(rule.maxMs, rule.baseMs * 2 ** Math.max(0, Math.min(refusals - 1, 30)))
  return Math.round(exponential * (0.5 + random()))
}

export function afterRefusal(
  clock: HostClockDoc,
  refusal: { retryAfterMs: number | null; message: string },
  now: number,
  rule: HostBackoffRule = DEFAULT_HOST_BACKOFF,
  random: () => number = Math.random
): HostClockDoc {
  const refusals = clock.refusals + 1
  const waitMs =
    refusal.retryAfterMs === null
      ? backoffMs(refusals, rule, random)
      : Math.min(refusal.retryAfterMs, rule.maxRetryAfterMs)
  const pausedUntil = Math.max(clock.pausedUntil, now + waitMs)
  const blocked = clock.blocked || refusals >= rule.blockAfter
  const reason = refusal.retryAfterMs === null ? `${refusal.message}; backing off ${waitMs} ms` : refusal.message
  return {
    ...clock,
    refusals,
    pausedUntil,
    pauseReason: blocked ? `blocked after ${refusals} refusals in a row: ${reason}` : reason,
    blocked,
    lastAnswer: refusal.message
  }
}
