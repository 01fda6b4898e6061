/**
 * The hot read of a cached listing (GET /<index>/_source/<id> past the official client,
 * the stored bytes passed through) against the real test Elasticsearch: a hit is answered
 * byte for byte as the parsing path answers it, other layouts are still parsed, a miss
 * falls through to the scraper. Through an EsGate (test/support/es-gate.ts): the read
 * sends the URL's credentials, and a refusal, an outage or a hang give the behaviour the
 * API has always had (answer from the scraper, cache unavailable, writes pending, then
 * flushed and hits again once Elasticsearch is back).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi } from '../../src/services/api/server'
import type { RunningApi } from '../../src/services/api/server'
import { answerOfLayout } from '../../src/services/listings/listing-answer'
import { toDocument } from '../../src/services/listings/listing-document'
import { silentLogger } from '../../src/services/log'
import { ListingSchema } from '../../src/shared/listing'
import type { Listing } from '../../src/shared/listing'
import { startEsGate } from '../support/es-gate'
import type { EsGate } from '../support/es-gate'
import { ES_URL, countingScrape, makeListing, uniqueId, uniqueIndex } from './fixtures'

interface Health {
  status: string
  elasticsearch: { status: string; available: boolean; pendingWrites: number; lastError: string | null }
}

async function getText(api: RunningApi, path: string): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(api.url + path)
  return { status: res.status, headers: res.headers, text: await res.text() }
}

async function health(api: RunningApi): Promise<Health> {
  return (await (await fetch(`${api.url}/health`)).json()) as Health
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Listings whose fields are out of the schema's order and carry an extra field, as an in-process scrape may hand them over. */
function scrapedOutOfOrder(id: string): Listing {
  const listing = makeListing(id, {
    title: 'Ingénieur·e "Backend"\u2028',
    JSON: { '@type': 'JobPosting', '10': 'integer-like key', note: 'é 😀' },
    scrapedAt: '2026-12-02T01:40:00.000Z'
  })
  return {
    tracking: 'not a Listing field',
    ...Object.fromEntries(Object.entries(listing).reverse())
  } as unknown as Listing
}

describe('a cached listing on the test Elasticsearch', () => {
  const index = uniqueIndex('answer')
  const scraper = countingScrape(0, scrapedOutOfOrder)
  let api: RunningApi

  beforeAll(async () => {
    api = await startApi({ port: 0, elasticsearchUrl: ES_URL, index, scrape: scraper.scrape, logger: silentLogger })
  })

  afterAll(async () => {
    await api?.listings.repository.deleteIndex()
    await api?.close()
  })

  it('is answered byte for byte as the parsing path answers it, with the same headers', async () => {
    const id = uniqueId()
    const missAt = Date.now()
    const miss = await getText(api, `/joblisting/${id}`)
    expect(miss.headers.get('x-scrapedeck-source')).toBe('scrape')

    const hitAt = performance.now()
    const hit = await getText(api, `/joblisting/${id}`)
    const hitMs = performance.now() - hitAt
    expect(hit.status).toBe(200)
    expect(hit.headers.get('x-scrapedeck-source')).toBe('cache')
    expect(hit.headers.get('x-scrapedeck-cache')).toBe('ok')
    // Present, whole numbers, and within what this test saw (a missing header reads as 0).
    expect(hit.headers.get('age')).toMatch(/^\d+$/)
    expect(Number(hit.headers.get('age'))).toBeLessThanOrEqual(Math.ceil((Date.now() - missAt) / 1000))
    expect(hit.headers.get('x-scrapedeck-took-ms')).toMatch(/^\d+(\.\d+)?$/)
    expect(Number(hit.headers.get('x-scrapedeck-took-ms'))).toBeLessThanOrEqual(Math.ceil(hitMs))
    expect(hit.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(hit.headers.get('cache-control')).toBe('no-store')
    expect(Number(hit.headers.get('content-length'))).toBe(Buffer.byteLength(hit.text))
    // Before: the official client's get, the source parsed and checked, the listing stringified.
    const before = await api.listings.lookup(id)
    expect(before.source).toBe('cache')
    expect(hit.text).toBe(JSON.stringify(before.listing))
    expect(hit.text).toBe(JSON.stringify(ListingSchema.parse(scrapedOutOfOrder(id))))
    expect(hit.text).not.toContain('tracking')
    // It was passed through: the stored bytes are in the answer layout.
    const stored = Buffer.from(await (await fetch(`${ES_URL}/${index}/_source/${id}`)).arrayBuffer())
    expect(answerOfLayout(stored)?.answer.toString('utf8')).toBe(hit.text)
    expect(scraper.calls.filter((c) => c === id)).toHaveLength(1)
  })

  it('is passed through when it was written in bulk (the crawler and the pending-writes flush)', async () => {
    const id = uniqueId('bulk')
    const outcome = await api.listings.repository.putMany([toDocument(scrapedOutOfOrder(id), new Date())])
    expect(outcome.stored).toHaveLength(1)
    const stored = Buffer.from(await (await fetch(`${ES_URL}/${index}/_source/${id}`)).arrayBuffer())
    const hit = await getText(api, `/joblisting/${id}`)
    expect(hit.headers.get('x-scrapedeck-source')).toBe('cache')
    expect(answerOfLayout(stored)?.answer.toString('utf8')).toBe(hit.text)
    expect(hit.text).toBe(JSON.stringify((await api.listings.lookup(id)).listing))
  })

  it('stored without the layout marker is parsed and answered', async () => {
    const id = uniqueId('old')
    const cachedAt = new Date(Date.now() - 90_000).toISOString()
    await api.listings.repository.client.index({
      index,
      id,
      document: { ...scrapedOutOfOrder(id), cachedAt },
      refresh: true
    })
    const hit = await getText(api, `/joblisting/${id}`)
    expect(hit.headers.get('x-scrapedeck-source')).toBe('cache')
    expect(Number(hit.headers.get('age'))).toBeGreaterThanOrEqual(90)
    expect(hit.text).toBe(JSON.stringify((await api.listings.lookup(id)).listing))
    expect(hit.text).not.toContain('cachedAt')
    expect(scraper.calls).not.toContain(id)
  })

  it('falls through to the scraper when it is not cached, and when its index is gone', async () => {
    const id = uniqueId('missing')
    const res = await getText(api, `/joblisting/${id}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-scrapedeck-source')).toBe('scrape')
    expect(res.headers.get('x-scrapedeck-cache')).toBe('ok')
    expect(scraper.calls.filter((c) => c === id)).toHaveLength(1)

    const elsewhere = await startApi({
      port: 0,
      elasticsearchUrl: ES_URL,
      index: uniqueIndex('noindex'),
      scrape: scraper.scrape,
      logger: silentLogger
    })
    try {
      await elsewhere.listings.repository.deleteIndex()
      const noIndex = await getText(elsewhere, `/joblisting/${uniqueId('noindex')}`)
      expect(noIndex.status).toBe(200)
      expect(noIndex.headers.get('x-scrapedeck-source')).toBe('scrape')
      expect((await health(elsewhere)).elasticsearch.available).toBe(true)
    } finally {
      await elsewhere.listings.repository.deleteIndex()
      await elsewhere.close()
    }
  })
})

describe('the hot read through a gate that checks credentials', () => {
  const index = uniqueIndex('gate')
  const scraper = countingScrape(0)
  let gate: EsGate
  let api: RunningApi

  beforeAll(async () => {
    gate = await startEsGate({ user: 'elastic', password: 'p@ss:w0rd' })
    api = await startApi({
      port: 0,
      elasticsearchUrl: gate.url,
      index,
      esRequestTimeoutMs: 500,
      cache: { retryBaseMs: 100, retryMaxMs: 300 },
      scrape: scraper.scrape,
      logger: silentLogger
    })
  })

  afterAll(async () => {
    await gate?.open()
    await api?.listings.repository.deleteIndex()
    await api?.close()
    await gate?.close()
  })

  it("sends the URL's credentials with every read", async () => {
    const id = uniqueId()
    await getText(api, `/joblisting/${id}`)
    const hit = await getText(api, `/joblisting/${id}`)
    expect(hit.headers.get('x-scrapedeck-source')).toBe('cache')
    const reads = gate.seen.filter((s) => s.path === `/${index}/_source/${id}`)
    expect(reads).toHaveLength(2)
    expect(reads.every((r) => r.authorization === `Basic ${Buffer.from('elastic:p@ss:w0rd').toString('base64')}`)).toBe(
      true
    )
  })

  it('answers from the scraper when the credentials are refused, and says why in health', async () => {
    const wrong = await startApi({
      port: 0,
      elasticsearchUrl: gate.url.replace('p%40ss', 'nope'),
      index,
      scrape: scraper.scrape,
      logger: silentLogger
    })
    try {
      const res = await getText(wrong, `/joblisting/${uniqueId('refused')}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-scrapedeck-source')).toBe('scrape')
      expect(res.headers.get('x-scrapedeck-cache')).toBe('unavailable')
      expect((await health(wrong)).elasticsearch.lastError).toMatch(/401/)
    } finally {
      await wrong.close()
    }
  })

  it(
    'answers from the scraper in an outage, keeps the write pending, and serves hits again once Elasticsearch is back',
    { timeout: 60_000 },
    async () => {
      const cachedId = uniqueId('before')
      const lateId = uniqueId('during')
      await getText(api, `/joblisting/${cachedId}`)
      expect((await getText(api, `/joblisting/${cachedId}`)).headers.get('x-scrapedeck-source')).toBe('cache')

      await gate.shut()
      try {
        const again = await getText(api, `/joblisting/${cachedId}`)
        expect(again.status).toBe(200)
        expect(again.headers.get('x-scrapedeck-source')).toBe('scrape')
        expect(again.headers.get('x-scrapedeck-cache')).toBe('unavailable')
        const during = await getText(api, `/joblisting/${lateId}`)
        expect(during.status).toBe(200)
        expect(during.headers.get('x-scrapedeck-cache')).toBe('unavailable')
        const down = await health(api)
        expect(down.status).toBe('degraded')
        expect(down.elasticsearch).toMatchObject({ status: 'down', available: false, pendingWrites: 2 })
        expect(down.elasticsearch.lastError).toMatch(/could not be reached|ECONNREFUSED|ECONNRESET/)
      } finally {
        await gate.open()
      }
      await waitFor('the pending writes to land', 30_000, async () => {
        const h = await health(api)
        return h.elasticsearch.available && h.elasticsearch.pendingWrites === 0 ? h : undefined
      })
      const calls = scraper.calls.length
      const hit = await getText(api, `/joblisting/${lateId}`)
      expect(hit.headers.get('x-scrapedeck-source')).toBe('cache')
      expect(JSON.parse(hit.text)).toMatchObject({ ID: lateId })
      expect(scraper.calls.length).toBe(calls)
    }
  )

  it(
    'gives up on an Elasticsearch that hangs after the request timeout and answers from the scraper',
    { timeout: 60_000 },
    async () => {
      const id = uniqueId('hang')
      await getText(api, `/joblisting/${id}`)
      gate.hang()
      try {
        const started = Date.now()
        const res = await getText(api, `/joblisting/${id}`)
        expect(res.status).toBe(200)
        expect(res.headers.get('x-scrapedeck-source')).toBe('scrape')
        expect(res.headers.get('x-scrapedeck-cache')).toBe('unavailable')
        // The read's 500 ms timeout, then the scrape (the write to the hung gate does not block the answer).
        expect(Date.now() - started).toBeLessThan(2500)
        expect((await health(api)).elasticsearch.lastError).toMatch(/did not answer in time/)
      } finally {
        await gate.open()
      }
      // The write that timed out lands once the gate answers again (and cannot race afterAll's index delete).
      await waitFor('the pending write to land', 30_000, async () => {
        const h = await health(api)
        return h.elasticsearch.available && h.elasticsearch.pendingWrites === 0 ? h : undefined
      })
      expect((await getText(api, `/joblisting/${id}`)).headers.get('x-scrapedeck-source')).toBe('cache')
    }
  )
})
