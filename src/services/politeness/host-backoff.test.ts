import { describe, expect, it } from 'vitest'
import { afterRefusal, backoffMs } from './host-backoff'
import { freshHostClock } from './host-clock'

const RULE = { baseMs: 2000, maxMs: 120_000, blockAfter: 3, maxRetryAfterMs: 600_000 }

describe('host backoff', () => {
  it('doubles from the base, capped, times a 0.5–1.5 jitter', () => {
    expect([1, 2, 3, 7, 8].map((n) => backoffMs(n, RULE, () => 0.5))).toEqual([2000, 4000, 8000, 120_000, 120_000])
    expect(backoffMs(1, RULE, () => 0)).toBe(1000)
    expect(backoffMs(2, RULE, () => 0.999)).toBe(5996)
  })

  it('honours Retry-After exactly, up to its cap', () => {
    const clock = afterRefusal(freshHostClock('b:1'), { retryAfterMs: 5000, message: 'answered 429' }, 1_000_000, RULE)
    expect(clock).toMatchObject({
      pausedUntil: 1_005_000,
      refusals: 1,
      blocked: false,
      pauseReason: 'answered 429',
      lastAnswer: 'answered 429'
    })
    expect(afterRefusal(freshHostClock('b:1'), { retryAfterMs: 86_400_000, message: 'x' }, 0, RULE).pausedUntil).toBe(
      600_000
    )
  })

  it('without Retry-After backs off exponentially, and never shortens a pause', () => {
    const first = afterRefusal(
      freshHostClock('b:1'),
      { retryAfterMs: null, message: 'answered 503' },
      0,
      RULE,
      () => 0.5
    )
    expect(first).toMatchObject({ pausedUntil: 2000, refusals: 1, pauseReason: 'answered 503; backing off 2000 ms' })
    const longer = { ...first, pausedUntil: 50_000 }
    expect(afterRefusal(longer, { retryAfterMs: 1000, message: 'x' }, 0, RULE).pausedUntil).toBe(50_000)
  })

  it('blocks the host after blockAfter refusals in a row, with the reason', () => {
    let clock = freshHostClock('b:1')
    for (let i = 0; i < 3; i += 1) clock = afterRefusal(clock, { retryAfterMs: 1000, message: 'answered 429' }, 0, RULE)
    expect(clock.blocked).toBe(true)
    expect(clock.pauseReason).toBe('blocked after 3 refusals in a row: answered 429')
  })
})
