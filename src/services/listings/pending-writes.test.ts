import { describe, expect, it } from 'vitest'
import { PendingWrites } from './pending-writes'
import type { ListingDocument } from './listing-document'
import { backoffDelay } from './backoff'

function doc(id: string, cachedAt: string): ListingDocument {
  return { ID: id, cachedAt } as ListingDocument
}

describe('PendingWrites', () => {
  it('keeps one entry per id, the newest copy', () => {
    const q = new PendingWrites(10)
    q.add(doc('a', '2026-01-01T00:00:01Z'))
    q.add(doc('a', '2026-01-01T00:00:02Z'))
    q.add(doc('a', '2026-01-01T00:00:00Z')) // older: ignored
    expect(q.size).toBe(1)
    expect(q.peek(10)[0]?.cachedAt).toBe('2026-01-01T00:00:02Z')
  })

  it('evicts the oldest when full and says which', () => {
    const q = new PendingWrites(2)
    expect(q.add(doc('a', '2026-01-01T00:00:01Z'))).toBeUndefined()
    expect(q.add(doc('b', '2026-01-01T00:00:02Z'))).toBeUndefined()
    expect(q.add(doc('c', '2026-01-01T00:00:03Z'))?.ID).toBe('a')
    expect(q.peek(10).map((d) => d.ID)).toEqual(['b', 'c'])
    expect(q.evicted).toBe(1)
  })

  it('settles a written copy but keeps a newer one queued meanwhile', () => {
    const q = new PendingWrites(10)
    const older = doc('a', '2026-01-01T00:00:01Z')
    q.add(older)
    q.add(doc('a', '2026-01-01T00:00:05Z'))
    q.settle(older)
    expect(q.size).toBe(1)
    q.settle(doc('a', '2026-01-01T00:00:05Z'))
    expect(q.size).toBe(0)
  })

  it('refuses a capacity below one', () => {
    expect(() => new PendingWrites(0)).toThrow(/positive integer/)
  })
})

describe('backoffDelay', () => {
  it('doubles from the base up to the cap', () => {
    expect([0, 1, 2, 3, 10, 100].map((n) => backoffDelay(n, 500, 15_000))).toEqual([
      500, 1000, 2000, 4000, 15_000, 15_000
    ])
  })
})
