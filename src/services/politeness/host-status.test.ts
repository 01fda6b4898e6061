import { describe, expect, it } from 'vitest'
import { PolitenessSchema } from '../../shared/source'
import { freshHostClock } from './host-clock'
import { hostStatusOf } from './host-status'

const UNKNOWN_ROBOTS = {
  state: 'unknown',
  fetchedAt: null,
  crawlDelayMs: null,
  disallowedCount: 0,
  httpStatus: null,
  expiresAt: null
} as const
const NOW = Date.parse('2026-12-07T19:00:00.000Z')

describe('a host status', () => {
  it('gives the limits, the rate over the last minute against the allowed one, and the backoff', () => {
    const status = hostStatusOf({
      host: 'board-a.test:8080',
      source: 'board-a',
      politeness: PolitenessSchema.parse({ maxInFlight: 2, minGapMs: 1000 }),
      clock: { ...freshHostClock('board-a.test:8080'), pausedUntil: NOW + 5000, pauseReason: '429, Retry-After 5 s' },
      load: { inFlight: 1, lastMinute: 45, remaining: 120 },
      robots: { ...UNKNOWN_ROBOTS, state: 'fetched', crawlDelayMs: 2000, httpStatus: 200 },
      now: NOW
    })
    expect(status).toEqual({
      host: 'board-a.test:8080',
      source: 'board-a',
      maxInFlight: 2,
      // robots.txt's Crawl-delay of 2 s raises the source's 1 s.
      effectiveGapMs: 2000,
      inFlight: 1,
      requestsPerSecond: 0.75,
      // One slot per 2000 + 100 (window) + 75 (margin) ms.
      allowedPerSecond: 1000 / 2175,
      remaining: 120,
      robots: { ...UNKNOWN_ROBOTS, state: 'fetched', crawlDelayMs: 2000, httpStatus: 200 },
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
      robots: UNKNOWN_ROBOTS,
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
