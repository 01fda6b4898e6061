/**
 * The board's own politeness limit and the truth about how it was treated, measured where it
 * matters: when each page request arrives and while it is being answered. With a limit, a
 * request that comes while `maxInFlight` are being answered, or sooner than `minGapMs` after
 * the previous arrival, is answered 429 with Retry-After. Every arrival counts for the gap and
 * the concurrency, answered or refused: that is what the site saw.
 */
import { performance } from 'node:perf_hooks'

export interface SiteLimit {
  maxInFlight: number
  minGapMs: number
  /** Seconds a 429 asks the client to wait. */
  retryAfterS: number
}

/** For `forMs` from the first page request, every page request is answered 429 + Retry-After. */
export interface RefusalSpell {
  forMs: number
  retryAfterS: number
}

export interface SiteTruth {
  limit: SiteLimit | null
  /** Page requests answered (not refused). */
  served: number
  /** 429s sent (the limit exceeded, or during a refusal spell). */
  refused: number
  /** Of those, the limit's: arrivals while `maxInFlight` were being answered, and sooner than `minGapMs` after the previous one (both can hold). */
  refusedFor: { inFlight: number; gap: number }
  /** Requests that came before the Retry-After of an earlier 429 had run out. */
  early: number
  /** Shortest time between two request arrivals, ms (null before the second). */
  shortestGapMs: number | null
  /** Most requests being answered at once. */
  maxConcurrency: number
  /** When the first and the last request arrived, epoch ms (null before the first): a benchmark's rate at the site. */
  firstArrivalAt: number | null
  lastArrivalAt: number | null
}

export interface SiteGate {
  /** Called as a page request arrives: whether to refuse it, and `done` for when its answer ends. */
  arrive(): { refuse: boolean; retryAfterS: number; done: () => void }
  snapshot(): SiteTruth
}

export function createSiteGate(
  limit: SiteLimit | null,
  now: () => number = () => performance.timeOrigin + performance.now(),
  spell: RefusalSpell | null = null
): SiteGate {
  let firstArrival: number | null = null
  let retryUntil = -Infinity
  let early = 0
  let served = 0
  let refused = 0
  const refusedFor = { inFlight: 0, gap: 0 }
  let shortestGapMs: number | null = null
  let lastArrival: number | null = null
  let inFlight = 0
  let maxConcurrency = 0
  return {
    arrive() {
      const at = now()
      const gap = lastArrival === null ? null : at - lastArrival
      lastArrival = at
      if (gap !== null && (shortestGapMs === null || gap < shortestGapMs)) shortestGapMs = gap
      firstArrival ??= at
      if (at < retryUntil) early += 1
      const spelled = spell !== null && at - firstArrival < spell.forMs
      const crowded = limit !== null && inFlight >= limit.maxInFlight
      const tooSoon = limit !== null && gap !== null && gap < limit.minGapMs
      const refuse = spelled || crowded || tooSoon
      if (crowded) refusedFor.inFlight += 1
      if (tooSoon) refusedFor.gap += 1
      inFlight += 1
      maxConcurrency = Math.max(maxConcurrency, inFlight)
      if (refuse) {
        refused += 1
        retryUntil = Math.max(retryUntil, at + 1000 * (spelled ? spell.retryAfterS : limit!.retryAfterS))
      } else served += 1
      let ended = false
      return {
        refuse,
        retryAfterS: spelled ? spell.retryAfterS : (limit?.retryAfterS ?? 1),
        done: () => {
          if (ended) return
          ended = true
          inFlight -= 1
        }
      }
    },
    snapshot: () => ({
      limit,
      served,
      refused,
      refusedFor: { ...refusedFor },
      early,
      shortestGapMs: shortestGapMs === null ? null : Math.round(shortestGapMs * 1000) / 1000,
      maxConcurrency,
      firstArrivalAt: firstArrival === null ? null : Math.round(firstArrival),
      lastArrivalAt: lastArrival === null ? null : Math.round(lastArrival)
    })
  }
}

/** JOBBOARD_LIMIT: "N/D" (N in flight, D ms between starts) or "N/D/R" with R seconds of Retry-After (default 1); empty = no limit. */
export function parseSiteLimit(text: string): SiteLimit | null {
  if (text.trim() === '') return null
  const match = /^\s*(\d{1,4})\/(\d{1,7})(?:\/(\d{1,5}))?\s*$/.exec(text)
  if (match === null || Number(match[1]) < 1)
    throw new Error(
      `expected "N/D" or "N/D/R" (N ≥ 1 requests in flight, D ms between starts, R s of Retry-After), got "${text}"`
    )
  return {
    maxInFlight: Number(match[1]),
    minGapMs: Number(match[2]),
    retryAfterS: match[3] === undefined ? 1 : Number(match[3])
  }
}

/** JOBBOARD_REFUSE_FOR: "MS/R": for MS ms from the first page request, answer 429 + Retry-After: R; empty = never. */
export function parseRefusalSpell(text: string): RefusalSpell | null {
  if (text.trim() === '') return null
  const match = /^\s*(\d{1,9})\/(\d{1,5})\s*$/.exec(text)
  if (match === null) throw new Error(`expected "MS/R" (refuse for MS ms with Retry-After R s), got "${text}"`)
  return { forMs: Number(match[1]), retryAfterS: Number(match[2]) }
}
