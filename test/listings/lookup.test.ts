/** The lookup flow against the real Elasticsearch on 127.0.0.1:9200. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ListingsService } from '../../src/services/listings'
import { InvalidListingId } from '../../src/services/scraper/scrape-errors'
import { ES_URL, countingScrape, makeListing, uniqueId, uniqueIndex } from './fixtures'

const index = uniqueIndex('lookup')
const scraper = countingScrape(80)
const service = new ListingsService({ elasticsearchUrl: ES_URL, index, scrape: scraper.scrape })

beforeAll(async () => {
  await service.start()
})

afterAll(async () => {
  await service.repository.deleteIndex()
  await service.close()
})

describe('lookup', () => {
  it('creates its index with the explicit mapping and no replicas', async () => {
    const client = service.repository.client
    const mapping = await client.indices.getMapping({ index })
    const props = mapping[index]?.mappings.properties ?? {}
    expect(props['ID']).toEqual({ type: 'keyword' })
    expect(props['JSON']).toMatchObject({ type: 'object', enabled: false })
    expect(props['company']).toMatchObject({ type: 'text', fields: { keyword: { type: 'keyword' } } })
    const settings = await client.indices.getSettings({ index })
    expect(settings[index]?.settings?.index?.number_of_replicas).toBe('0')
  })

  it('misses, scrapes and stores, then answers the same listing from the cache', async () => {
    const id = uniqueId()
    const firstAt = Date.now()
    const first = await service.lookup(id)
    expect(first).toMatchObject({ source: 'scrape', cache: 'ok' })
    expect(first.ageMs).toBeUndefined()

    const second = await service.lookup(id)
    expect(second.source).toBe('cache')
    expect(second.cache).toBe('ok')
    expect(second.listing).toEqual(first.listing)
    // The stored copy's age: no older than this test's first lookup.
    expect(second.ageMs).toBeGreaterThanOrEqual(0)
    expect(second.ageMs).toBeLessThanOrEqual(Date.now() - firstAt)
    expect(scraper.calls.filter((c) => c === id)).toHaveLength(1)
  })

  it('keeps the raw JSON in _source although it is not indexed', async () => {
    const id = uniqueId()
    await service.lookup(id)
    const doc = await service.repository.client.get<{ JSON: unknown; cachedAt: string }>({ index, id })
    expect(doc._source?.JSON).toEqual(makeListing(id).JSON)
    expect(typeof doc._source?.cachedAt).toBe('string')
  })

  it('shares one scrape among ten concurrent lookups of an uncached id', async () => {
    const id = uniqueId()
    const results = await Promise.all(Array.from({ length: 10 }, () => service.lookup(id)))
    expect(scraper.calls.filter((c) => c === id)).toHaveLength(1)
    for (const r of results) expect(r.listing.ID).toBe(id)
    expect(service.lookups.scrapesInFlight).toBe(0)
  })

  it('re-scrapes on refresh and replaces the cached copy', async () => {
    const id = uniqueId()
    await service.lookup(id)
    const before = await service.lookup(id)
    expect(before.source).toBe('cache')
    const refreshed = await service.lookup(id, { refresh: true })
    expect(refreshed.source).toBe('scrape')
    expect(refreshed.cache).toBe('ok')
    expect(scraper.calls.filter((c) => c === id)).toHaveLength(2)
    const after = await service.lookup(id)
    expect(after.source).toBe('cache')
    expect(after.listing.scrapedAt).toBe(refreshed.listing.scrapedAt)
  })

  it('refuses an invalid id without scraping or asking Elasticsearch', async () => {
    const before = scraper.calls.length
    for (const bad of ['', '../etc', 'a/b', 'x'.repeat(65), '..', 'id with space']) {
      await expect(service.lookup(bad)).rejects.toBeInstanceOf(InvalidListingId)
    }
    expect(scraper.calls.length).toBe(before)
  })

  it('passes a scrape failure through and caches nothing', async () => {
    const failing = new ListingsService({
      elasticsearchUrl: ES_URL,
      index,
      scrape: async () => {
        throw new Error('boom')
      }
    })
    try {
      const id = uniqueId()
      await expect(failing.lookup(id)).rejects.toThrow('boom')
      expect(await failing.repository.get(id)).toBeNull()
    } finally {
      await failing.close()
    }
  })
})

describe('the index deleted while the service runs (someone cleared the cache)', () => {
  it('comes back with the explicit mapping on the next write, so skill facets keep working', async () => {
    const client = service.repository.client
    await client.indices.delete({ index })
    const listing = await service.lookup(uniqueId())
    expect(listing.source).toBe('scrape')
    await client.indices.refresh({ index })
    const props = (await client.indices.getMapping({ index }))[index]?.mappings.properties ?? {}
    expect(props['skills']).toEqual({ type: 'keyword' })
    expect(props['JSON']).toMatchObject({ enabled: false })
    const result = await service.search(listing.listing.title.split(' ')[0] ?? 'engineer', {})
    expect(result.facets.skills.length).toBeGreaterThan(0)
  })
})
