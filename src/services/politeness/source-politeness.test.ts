import { describe, expect, it } from 'vitest'
import { PolitenessSchema } from '../../shared/source'
import type { Source } from '../../shared/source'
import { politenessFromEnv } from './politeness-settings'
import { SourcePoliteness } from './source-politeness'

function source(name: string, template: string | null, politeness: object = {}): Source {
  return {
    name,
    listingUrlTemplate: template,
    sitemapUrls: template === null ? ['http://maps.example/sitemap.xml'] : [],
    politeness: PolitenessSchema.parse(politeness),
    paused: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z'
  }
}

describe('politeness per source', () => {
  it("applies each source's settings to its host; a host of no source gets 2 in flight, 1000 ms", () => {
    const lookup = new SourcePoliteness(async () => [])
    lookup.use([
      source('acme', 'http://Acme.example:8080/jobs/{id}', { maxInFlight: 4, minGapMs: 250 }),
      source('maps', null, { maxInFlight: 9 })
    ])
    expect(lookup.politenessFor('acme.example:8080')).toMatchObject({ maxInFlight: 4, minGapMs: 250 })
    expect(lookup.hostOfSource('acme')).toBe('acme.example:8080')
    expect(lookup.hostOfSource('maps')).toBeUndefined()
    expect(lookup.politenessFor('other.example')).toEqual({
      maxInFlight: 2,
      minGapMs: 1000,
      respectRobots: true,
      autoThrottle: false,
      onBlocked: 'wait'
    })
  })

  it('holds a host shared by two sources to the strictest of their settings', () => {
    const lookup = new SourcePoliteness(async () => [])
    lookup.use([
      source('a', 'http://b.example/x/{id}', { maxInFlight: 4, minGapMs: 100, onBlocked: 'fail' }),
      source('b', 'http://b.example/y/{id}', { maxInFlight: 8, minGapMs: 500, autoThrottle: true })
    ])
    expect(lookup.politenessFor('b.example')).toEqual({
      maxInFlight: 4,
      minGapMs: 500,
      respectRobots: true,
      autoThrottle: true,
      onBlocked: 'fail'
    })
  })

  it('reads the store again only when its read is older than the cache, or invalidated', async () => {
    let now = 0
    let reads = 0
    let gap = 100
    const lookup = new SourcePoliteness(
      async () => {
        reads += 1
        return [source('a', 'http://a.example/{id}', { minGapMs: gap })]
      },
      2000,
      () => now
    )
    await lookup.refresh()
    gap = 300
    now = 1999
    await lookup.refresh()
    expect([reads, lookup.politenessFor('a.example').minGapMs]).toEqual([1, 100])
    now = 2000
    await lookup.refresh()
    expect([reads, lookup.politenessFor('a.example').minGapMs]).toEqual([2, 300])
    gap = 700
    lookup.invalidate()
    await lookup.refresh()
    expect([reads, lookup.politenessFor('a.example').minGapMs]).toEqual([3, 700])
  })
})

describe('the default source politeness from the environment', () => {
  it('reads "N/D" and JSON; what it leaves out is left out, not filled with defaults', () => {
    expect(politenessFromEnv('10000/0')).toEqual({ maxInFlight: 10_000, minGapMs: 0 })
    expect(politenessFromEnv('{"minGapMs":250}')).toEqual({ minGapMs: 250 })
    expect(politenessFromEnv(' ')).toEqual({})
  })

  it('refuses bad values with the variable and the field', () => {
    expect(() => politenessFromEnv('0/100')).toThrow(
      'CRAWL_DEFAULT_SOURCE_POLITENESS: maxInFlight: At most N requests in flight: N is at least 1'
    )
    expect(() => politenessFromEnv('{"maxInFlight":2,"gap":1}')).toThrow(/CRAWL_DEFAULT_SOURCE_POLITENESS: \(root\)/)
    expect(() => politenessFromEnv('fast')).toThrow(/neither "N\/D" nor JSON/)
  })
})
