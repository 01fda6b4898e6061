import { describe, expect, it } from 'vitest'
import { PolitenessSchema } from '../../shared/source'
import { freshHostClock } from './host-clock'
import { hostStatusOf } from './host-status'

const NOW = Date.parse('2026-12-07T19:00:00.000Z')

describe('a host status', () => {
  it('gives the limits, the rate over the last minute against the allowed one, and the backoff', () => {
    const status = hostStatusOf({
      host: 'board-a.test:8080',
      source: 'board-a',
      politeness: PolitenessSchema.parse({ maxInFlight: 2, minGapMs: 1000 }),
      clock: { ...freshHostClock('board-a.test:8080'), pausedUntil: NOW + 5000, pauseReason: '429, Retry-After 5 s' },
      load: { inFlight: 1, lastMinute: 45, remaining: 120 },
      now: NOW
    })
    expect(status).toEqual({
      host: 'board-a.test:8080',
      source: 'board-a',
      maxInFlight: 2,
      effectiveGapMs: 1000,
      inFlight: 1,
      requestsPerSecond: 0.75,
      // One slot per 1000 + 50 (window) + 75 (margin) ms.
      allowedPerSecond: 1000 / 1125,
      remaining: 120,
      robots: { state: 'unknown', fetchedAt: null, crawlDelayMs: null, disallowedCount: 0 },
      backoffUntil: '2026-12-07T19:00:05.000Z',
      backoffReason: '429, Retry-After 5 s',
      blocked: false,
      lastAnswer: null
    })
  })

  it('has no limits where politeness is off, and no backoff once the pause is over', () => {
    const status = hostStatusOf({
      host: 'jobboard:8080',
      source: 'jobboard',
      politeness: null,
      clock: {
        ...freshHostClock('jobboard:8080'),
        pausedUntil: NOW - 1,
        pauseReason: 'old',
        blocked: true,
        lastAnswer: '429'
      },
      load: { inFlight: 30, lastMinute: 600, remaining: 900 },
      now: NOW
    })
    expect(status).toMatchObject({
      maxInFlight: null,
      effectiveGapMs: null,
      allowedPerSecond: null,
      requestsPerSecond: 10,
      backoffUntil: null,
      backoffReason: null,
      blocked: true,
      lastAnswer: '429'
    })
  })
})
