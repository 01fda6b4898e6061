import { describe, expect, it } from 'vitest'
import { parseRetryAfter, retryDelayMs } from './webhook-backoff'

describe('webhook backoff', () => {
  it('waits 1 s, 2 s, 4 s, 8 s between five attempts, then gives up', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, null))).toEqual([1000, 2000, 4000, 8000, null])
  })

  it('honours Retry-After, capped at a minute', () => {
    expect(retryDelayMs(1, 5000)).toBe(5000)
    expect(retryDelayMs(1, 0)).toBe(0)
    expect(retryDelayMs(2, 3_600_000)).toBe(60_000)
    expect(retryDelayMs(5, 5000)).toBeNull()
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-12-07T22:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('Mon, 07 Dec 2026 22:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('Mon, 07 Dec 2026 21:59:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(null, now)).toBeNull()
  })
})
