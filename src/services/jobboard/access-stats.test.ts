import { describe, expect, it } from 'vitest'
import { createAccessStats } from './access-stats.js'

describe('access stats', () => {
  it('counts requests by kind and by known listing id, unknown ids in one counter', () => {
    const stats = createAccessStats(
      (id) => id === '7' || id === '8',
      () => new Date('2026-12-01T20:00:00Z')
    )
    for (const id of ['7', '7', '8', 'nope']) stats.record('listing', id)
    stats.record('sitemap')
    stats.record('index')
    stats.record('listing')
    expect(stats.snapshot()).toEqual({
      since: '2026-12-01T20:00:00.000Z',
      total: 7,
      byKind: { listing: 5, index: 1, sitemap: 1, other: 0 },
      listings: { 7: 2, 8: 1 },
      unknownListings: 1
    })
  })

  it('hands out snapshots that later requests do not change', () => {
    const stats = createAccessStats(() => true)
    stats.record('listing', '1')
    const before = stats.snapshot()
    stats.record('listing', '1')
    expect(before.listings).toEqual({ 1: 1 })
    expect(stats.snapshot().listings).toEqual({ 1: 2 })
  })
})
