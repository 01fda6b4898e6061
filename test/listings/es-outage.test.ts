/**
 * Elasticsearch stopped mid-run: lookups still answer through the scraper and say the cache
 * is unavailable, health reports the pending writes, and once Elasticsearch is back the
 * pending write lands and the next lookup is a cache hit. This is the only test that stops
 * the shared Elasticsearch, and it always starts it again.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi } from '../../src/services/api/server'
import type { RunningApi } from '../../src/services/api/server'
import { silentLogger } from '../../src/services/log'
import type { Listing } from '../../src/shared/listing'
import { get } from '../api/api-client'
import { ES_URL, countingScrape, uniqueId, uniqueIndex } from './fixtures'

const run = promisify(execFile)
const INFRA = fileURLToPath(new URL('../../scripts/infra.sh', import.meta.url))
const index = uniqueIndex('outage')
const scraper = countingScrape(20)
let api: RunningApi

interface Health {
  status: string
  elasticsearch: { status: string; available: boolean; pendingWrites: number }
}

async function infra(command: 'es:down' | 'es:up'): Promise<void> {
  await run('bash', [INFRA, command], { timeout: 180_000 })
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

beforeAll(async () => {
  api = await startApi({
    port: 0,
    elasticsearchUrl: ES_URL,
    index,
    esRequestTimeoutMs: 1000,
    cache: { retryBaseMs: 250, retryMaxMs: 2000 },
    scrape: scraper.scrape,
    logger: silentLogger
  })
})

afterAll(async () => {
  await api?.listings.repository.deleteIndex().catch(() => {})
  await api?.close()
})

describe('Elasticsearch outage', () => {
  it(
    'answers through the scraper while Elasticsearch is down and lands the pending write when it is back',
    { timeout: 240_000 },
    async () => {
      const cachedId = uniqueId('before')
      const lateId = uniqueId('during')
      expect((await get(api.url, `/joblisting/${cachedId}`)).headers.get('x-scrapedeck-cache')).toBe('ok')
      expect((await get(api.url, `/joblisting/${cachedId}`)).headers.get('x-scrapedeck-source')).toBe('cache')

      try {
        await infra('es:down')

        const started = Date.now()
        const during = await get<Listing>(api.url, `/joblisting/${lateId}`)
        expect(during.status).toBe(200)
        expect(during.body.ID).toBe(lateId)
        expect(during.headers.get('x-scrapedeck-source')).toBe('scrape')
        expect(during.headers.get('x-scrapedeck-cache')).toBe('unavailable')
        // Bounded by the short Elasticsearch timeout, not by client retries.
        expect(Date.now() - started).toBeLessThan(5000)

        // A listing that was cached is scraped again rather than failing; quick now that
        // the cache is known to be down.
        const t = Date.now()
        const again = await get(api.url, `/joblisting/${cachedId}`)
        expect(again.status).toBe(200)
        expect(again.headers.get('x-scrapedeck-cache')).toBe('unavailable')
        expect(Date.now() - t).toBeLessThan(1000)

        const health = await get<Health>(api.url, '/health')
        expect(health.status).toBe(200)
        expect(health.body.status).toBe('degraded')
        expect(health.body.elasticsearch).toMatchObject({ status: 'down', available: false, pendingWrites: 2 })

        const search = await get<{ error: { kind: string } }>(api.url, '/joblistings?q=engineer')
        expect(search.status).toBe(503)
        expect(search.body.error.kind).toBe('SearchUnavailable')
      } finally {
        await infra('es:up')
      }

      const recovered = await waitFor('the pending writes to land', 60_000, async () => {
        const h = await get<Health>(api.url, '/health')
        return h.body.elasticsearch.available && h.body.elasticsearch.pendingWrites === 0 ? h.body : undefined
      })
      expect(recovered.status).toBe('ok')

      const scrapesBefore = scraper.calls.length
      const hit = await get<Listing>(api.url, `/joblisting/${lateId}`)
      expect(hit.headers.get('x-scrapedeck-source')).toBe('cache')
      expect(hit.headers.get('x-scrapedeck-cache')).toBe('ok')
      expect(hit.body.ID).toBe(lateId)
      expect(scraper.calls.length).toBe(scrapesBefore)
    }
  )
})
