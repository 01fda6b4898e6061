import { describe, expect, it } from 'vitest'
import {
  DEFAULT_ROBOTS_TIMING,
  effectiveGapMs,
  recordFromAnswer,
  robotsStatusOf,
  robotsUrlOf,
  rulesOf
} from './robots-rules'

const AGENT = 'scrapedeck-scraper/0.1 (job listing scraper; +https://example.org/bot)'
const URL = 'http://board.example:8081/robots.txt'
const NOW = Date.parse('2026-12-07T12:00:00Z')
const TIMING = { ttlMs: 3_600_000, errorTtlMs: 60_000 }

const ok = (body: string) =>
  recordFromAnswer('board.example:8081', URL, { status: 200, body, retryAfterMs: null }, NOW, TIMING)

describe('robots.txt rules', () => {
  it('parses the group for our agent, else *, and matches by path prefix with Allow overriding', () => {
    const record = ok(
      [
        'User-agent: *',
        'Disallow: /',
        '',
        'User-agent: scrapedeck-scraper',
        'Disallow: /jobs/job-0000',
        'Allow: /jobs/job-00001',
        'Crawl-delay: 2.5'
      ].join('\n')
    )
    const rules = rulesOf(record, AGENT)
    expect(rules.allows('http://board.example:8081/jobs/job-00001')).toBe(true)
    expect(rules.allows('http://board.example:8081/jobs/job-00002')).toBe(false)
    expect(rules.allows('http://board.example:8081/jobs/job-00010')).toBe(true)
    expect(rules.crawlDelayMs).toBe(2500)
    // Another agent falls to the * group.
    const other = rulesOf(record, 'otherbot/1.0')
    expect(other.allows('http://board.example:8081/jobs/job-00010')).toBe(false)
    expect(other.crawlDelayMs).toBeNull()
  })

  it('keeps a fetched file for the TTL, errors for the shorter error TTL', () => {
    expect(ok('User-agent: *\nDisallow:\n')).toMatchObject({
      state: 'fetched',
      httpStatus: 200,
      expiresAt: NOW + 3_600_000
    })
    const down = recordFromAnswer('h', URL, { status: 503, body: '', retryAfterMs: null }, NOW, TIMING)
    expect(down).toMatchObject({ state: 'unreachable', httpStatus: 503, expiresAt: NOW + 60_000, body: null })
    expect(down.reason).toBe('robots.txt answered 503; nothing is fetched from the host until it can be read')
    expect(DEFAULT_ROBOTS_TIMING).toEqual({ ttlMs: 21_600_000, errorTtlMs: 60_000 })
  })

  it('a 5xx or a network error blocks everything; a 429 waits as long as Retry-After asks', () => {
    const down = recordFromAnswer(
      'h',
      URL,
      { status: 500, body: 'User-agent: *\nDisallow:\n', retryAfterMs: null },
      NOW,
      TIMING
    )
    expect(rulesOf(down, AGENT).allows('http://board.example:8081/jobs/a')).toBe(false)
    const unreachable = recordFromAnswer('h', URL, { error: 'ECONNREFUSED' }, NOW, TIMING)
    expect(unreachable).toMatchObject({ state: 'unreachable', httpStatus: null, expiresAt: NOW + 60_000 })
    expect(unreachable.reason).toBe('robots.txt could not be fetched (ECONNREFUSED); the host waits, as for a 5xx')
    expect(rulesOf(unreachable, AGENT).allows('http://board.example:8081/')).toBe(false)
    const slowDown = recordFromAnswer('h', URL, { status: 429, body: '', retryAfterMs: 5000 }, NOW, TIMING)
    expect(slowDown).toMatchObject({ state: 'unreachable', httpStatus: 429, expiresAt: NOW + 5000 })
  })

  it('a 404 (or any other 4xx) allows everything, kept for the TTL', () => {
    for (const status of [404, 401, 403, 410]) {
      const record = recordFromAnswer('h', URL, { status, body: '', retryAfterMs: null }, NOW, TIMING)
      expect(record).toMatchObject({ state: 'allowed-all', httpStatus: status, expiresAt: NOW + 3_600_000 })
      expect(rulesOf(record, AGENT)).toMatchObject({ crawlDelayMs: null })
      expect(rulesOf(record, AGENT).allows('http://board.example:8081/anything')).toBe(true)
    }
  })

  it('Crawl-delay raises the gap, never lowers it, and is capped at an hour', () => {
    expect(effectiveGapMs(1000, 2500)).toBe(2500)
    expect(effectiveGapMs(1000, 200)).toBe(1000)
    expect(effectiveGapMs(250, null)).toBe(250)
    expect(rulesOf(ok('User-agent: *\nCrawl-delay: 86400\n'), AGENT).crawlDelayMs).toBe(3_600_000)
    expect(rulesOf(ok('User-agent: *\nCrawl-delay: soon\n'), AGENT).crawlDelayMs).toBeNull()
  })

  it('reports the host status the Sources view shows', () => {
    const record = { ...ok('User-agent: *\nDisallow: /x\nCrawl-delay: 1\n'), disallowedCount: 3 }
    expect(robotsStatusOf(record, true, AGENT)).toEqual({
      state: 'fetched',
      fetchedAt: '2026-12-07T12:00:00.000Z',
      crawlDelayMs: 1000,
      disallowedCount: 3,
      httpStatus: 200,
      expiresAt: '2026-12-07T13:00:00.000Z'
    })
    expect(robotsStatusOf(record, false, AGENT).state).toBe('ignored')
    expect(robotsStatusOf(null, true, AGENT).state).toBe('unknown')
    expect(robotsUrlOf('https://jobs.example/a/jobs/1?x=2')).toBe('https://jobs.example/robots.txt')
  })
})
