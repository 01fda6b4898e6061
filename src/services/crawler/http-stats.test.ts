import { describe, expect, it } from 'vitest'
import { HttpStatsTally, mergeHostStats } from './http-stats'
import type { ReplyObservation } from './http-stats'

const fetched = (status: number | null, bytes: number, ms: number, extra: Partial<ReplyObservation['fetch']> = {}) =>
  ({
    crawlId: 'c1',
    host: 'board:8081',
    fetch: { host: 'board:8081', status, bytes, ms, redirects: 0, timedOut: false, ...extra },
    errorKind: null
  }) satisfies ReplyObservation

describe('HttpStatsTally', () => {
  it('sums status codes, bytes, redirects, timeouts and robots skips per crawl and host', () => {
    const tally = new HttpStatsTally('coord')
    tally.record(fetched(200, 1000, 20))
    tally.record(fetched(200, 3000, 40, { redirects: 2 }))
    tally.record(fetched(404, 100, 5))
    tally.record(fetched(null, 0, 10_000, { timedOut: true }))
    tally.record({ crawlId: 'c1', host: 'board:8081', fetch: null, errorKind: 'RobotsDisallowed' })
    // No fetch and no robots skip (a slot missed, a cancel): nothing to count.
    tally.record({ crawlId: 'c1', host: 'board:8081', fetch: null, errorKind: 'FetchSlotMissed' })
    tally.record({ ...fetched(200, 500, 30), crawlId: 'c2' })
    const [c1] = mergeHostStats(tally.current('c1')!.hosts)
    expect(c1).toEqual({
      host: 'board:8081',
      fetches: 4,
      responses: { '200': 2, '404': 1 },
      bytes: 4100,
      latencyMs: expect.any(Object),
      redirects: 2,
      timeouts: 1,
      robotsSkipped: 1
    })
    expect(mergeHostStats(tally.current('c2')!.hosts)[0]!.fetches).toBe(1)
  })

  it('hands out each changed crawl once per checkpoint, under a document id of its own', () => {
    const tally = new HttpStatsTally('coord')
    tally.record(fetched(200, 1, 1))
    const first = tally.takeDirty()
    expect(first.map((c) => [c.docId, c.crawlId])).toEqual([['c1:coord:1', 'c1']])
    expect(tally.takeDirty()).toEqual([])
    tally.markDirty('c1')
    expect(tally.takeDirty()).toHaveLength(1)
    // Evicted once checkpointed and idle: a late reply starts a new document, so the old one still counts.
    tally.evictIdle(0, Date.now() + 1)
    tally.record(fetched(200, 1, 1))
    expect(tally.takeDirty()[0]!.docId).toBe('c1:coord:2')
  })

  it('merges checkpoints of several coordinator runs, busiest host first', () => {
    const a = new HttpStatsTally('a')
    const b = new HttpStatsTally('b')
    a.record(fetched(200, 100, 10))
    b.record(fetched(200, 200, 10))
    b.record(fetched(503, 50, 10))
    b.record({ ...fetched(200, 1, 1, { host: 'other:80' }), host: 'other:80' })
    const merged = mergeHostStats([...a.current('c1')!.hosts, ...b.current('c1')!.hosts])
    expect(merged.map((h) => [h.host, h.fetches, h.responses, h.bytes])).toEqual([
      ['board:8081', 3, { '200': 2, '503': 1 }, 350],
      ['other:80', 1, { '200': 1 }, 1]
    ])
    expect(merged[0]!.latencyMs.p50).toBeCloseTo(10, 0)
  })
})
