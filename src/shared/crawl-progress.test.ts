import { describe, expect, it } from 'vitest'
import {
  crawlSucceeded,
  etaAtReplicas,
  finishedCount,
  formatEta,
  formatRate,
  percentFinished,
  perReplicaRate,
  progressSegments,
  replicaAdvice,
  remainingCount
} from './crawl-progress'
import { crawlDetail } from '../../test/support/crawl-detail'

describe('crawl counts', () => {
  it('splits the total into finished and remaining, and rounds the percent down', () => {
    const c = crawlDetail({ total: 3, queued: 1, scraping: 0, done: 2, failed: 0, skipped: 0, cancelled: 0 })
    expect(finishedCount(c)).toBe(2)
    expect(remainingCount(c)).toBe(1)
    expect(percentFinished(c)).toBe(66)
    expect(percentFinished(crawlDetail({ total: 0, queued: 0, scraping: 0, done: 0, failed: 0, skipped: 0 }))).toBe(0)
  })

  it('draws non-empty segments in order, each starting where the previous ended, covering the whole bar', () => {
    const segments = progressSegments(crawlDetail())
    expect(segments.map((s) => [s.state, s.count])).toEqual([
      ['done', 500],
      ['skipped', 60],
      ['failed', 40],
      ['scraping', 100],
      ['queued', 300]
    ])
    expect(segments[2]?.start).toBeCloseTo(0.56)
    const last = segments.at(-1)
    expect((last?.start ?? 0) + (last?.fraction ?? 0)).toBeCloseTo(1)
    expect(progressSegments(crawlDetail({ total: 0 }))).toEqual([])
  })
})

describe('rate and ETA in words', () => {
  it('formats rates', () => {
    expect(formatRate(0)).toBe('0/s')
    expect(formatRate(Number.NaN)).toBe('0/s')
    expect(formatRate(0.42)).toBe('0.4/s')
    expect(formatRate(12.34)).toBe('12.3/s')
    expect(formatRate(142.6)).toBe('143/s')
  })

  it('formats ETAs from seconds to days', () => {
    expect(formatEta(null)).toBe('—')
    expect(formatEta(44.2)).toBe('45 s')
    expect(formatEta(185)).toBe('3 min 05 s')
    expect(formatEta(2 * 3600 + 4 * 60 + 59)).toBe('2 h 04 min')
    expect(formatEta(3 * 86_400 + 4 * 3600)).toBe('3 d 4 h')
  })
})

describe('ETA at N replicas', () => {
  it('measures the mean rate of the replicas that finished something', () => {
    const detail = crawlDetail({
      replicas: [
        { replica: 'a', done: 10, failed: 0, ratePerSecond: 4 },
        { replica: 'b', done: 10, failed: 0, ratePerSecond: 2 },
        { replica: 'gone', done: 10, failed: 0, ratePerSecond: 0 }
      ]
    })
    expect(perReplicaRate(detail)).toBe(3)
    expect(perReplicaRate(crawlDetail({ replicas: [] }))).toBeNull()
  })

  it('divides what remains by N times the per-replica rate', () => {
    const detail = crawlDetail() // 400 remaining, 10/s per replica
    expect(etaAtReplicas(detail, 1)).toBe(40)
    expect(etaAtReplicas(detail, 4)).toBe(10)
    expect(etaAtReplicas(detail, 0)).toBeNull()
  })

  it("waits for a host's allowed rate, and says past how many replicas nothing is gained", () => {
    // 400 remaining at 10/s per replica; 100 of them on slow.test, which allows 2/s: 50 s at least.
    const host = {
      source: 'slow',
      done: 0,
      failed: 0,
      backoffUntil: null,
      backoffReason: null,
      blocked: false
    }
    const detail = crawlDetail({
      hosts: [
        { ...host, host: 'slow.test', waiting: 90, scraping: 10, allowedPerSecond: 2 },
        { ...host, host: 'fast.test', source: 'fast', waiting: 300, scraping: 0, allowedPerSecond: null }
      ]
    })
    expect(etaAtReplicas(detail, 1)).toBe(50)
    expect(etaAtReplicas(detail, 4)).toBe(50)
    expect(replicaAdvice(detail, 4)).toMatchObject({ helpfulUpTo: 1, hostsAtLimit: ['slow.test'] })
    expect(replicaAdvice(crawlDetail({ replicas: [] }), 4)).toBeNull()
  })

  it('has no ETA for an ended or unmeasured crawl, and 0 when nothing remains', () => {
    expect(etaAtReplicas(crawlDetail({ state: 'cancelled' }), 2)).toBeNull()
    expect(etaAtReplicas(crawlDetail({ replicas: [] }), 2)).toBeNull()
    expect(etaAtReplicas(crawlDetail({ queued: 0, scraping: 0, done: 900 }), 2)).toBe(0)
  })

  it('calls a crawl a success only when it ended done without failures', () => {
    expect(crawlSucceeded({ state: 'done', failed: 0 })).toBe(true)
    expect(crawlSucceeded({ state: 'done', failed: 1 })).toBe(false)
    expect(crawlSucceeded({ state: 'cancelled', failed: 0 })).toBe(false)
  })
})
