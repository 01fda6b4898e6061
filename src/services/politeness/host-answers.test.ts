import { describe, expect, it } from 'vitest'
import { applyAnswers, clockChanged } from './host-answers'
import type { HostAnswer } from './host-answers'
import { freshHostClock } from './host-clock'

const RULE = { baseMs: 2000, maxMs: 120_000, blockAfter: 8, maxRetryAfterMs: 600_000 }
const served: HostAnswer = { kind: 'served' }
const busy = (retryAfterMs: number | null): HostAnswer => ({ kind: 'busy', retryAfterMs, message: 'answered 503' })
const tooMany: HostAnswer = { kind: 'refused', retryAfterMs: 5000, message: 'answered 429' }

describe("a host's answers", () => {
  it('a 429 is always the host refusal: paused until its Retry-After', () => {
    const { clock, refused } = applyAnswers(freshHostClock('b:1'), [tooMany], 1_000_000, RULE)
    expect(refused).toEqual([true])
    expect(clock).toMatchObject({ pausedUntil: 1_005_000, refusals: 1, unavailable: 0 })
  })

  it('a 503 is the page failing until the third in a row, which pauses the host (Retry-After, or backoff)', () => {
    const { clock, refused } = applyAnswers(
      freshHostClock('b:1'),
      [busy(1000), busy(1000), busy(3000), busy(null)],
      0,
      RULE,
      () => 0.5
    )
    expect(refused).toEqual([false, false, true, true])
    // Third: Retry-After 3000; fourth: no Retry-After, the second refusal → 4000 ms backoff.
    expect(clock).toMatchObject({ pausedUntil: 4000, refusals: 2, unavailable: 4, blocked: false })
  })

  it('a page served ends the run: 503s around it stay the pages’ own failures', () => {
    const { clock, refused } = applyAnswers(
      freshHostClock('b:1'),
      [busy(1000), busy(1000), served, busy(1000), busy(1000)],
      0,
      RULE
    )
    expect(refused).toEqual([false, false, false, false, false])
    expect(clock).toMatchObject({ pausedUntil: 0, refusals: 0, unavailable: 2, lastAnswer: 'answered 503' })
  })

  it('the run carries over between batches, and blocks the host after 8 refusals in a row', () => {
    let clock = applyAnswers(freshHostClock('b:1'), [busy(1000), busy(1000)], 0, RULE).clock
    const third = applyAnswers(clock, [busy(1000)], 0, RULE)
    expect(third.refused).toEqual([true])
    clock = applyAnswers(third.clock, Array<HostAnswer>(7).fill(tooMany), 0, RULE).clock
    expect(clock).toMatchObject({ refusals: 8, blocked: true })
    expect(clock.pauseReason).toBe('blocked after 8 refusals in a row: answered 429')
  })

  it('needs no write for pages served by a host with no run', () => {
    const fresh = freshHostClock('b:1')
    expect(clockChanged(fresh, applyAnswers(fresh, [served, served], 0, RULE).clock)).toBe(false)
    expect(clockChanged(fresh, applyAnswers(fresh, [busy(1000)], 0, RULE).clock)).toBe(true)
  })
})
