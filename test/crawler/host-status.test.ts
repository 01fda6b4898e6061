/**
 * Each host's status as the API serves it, read from the real (test) Elasticsearch: a host
 * clock paused by a 429, items fetching now and fetched in the last minute, the work the
 * running crawls have left per source; over GET /hosts' sibling GET /sources/:name/hosts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SourceClient } from '../../src/main/clients/source-client'
import { startApi } from '../../src/services/api/server'
import type { RunningApi } from '../../src/services/api/server'
import { CrawlStats } from '../../src/services/crawler/crawl-stats'
import { HostLoads } from '../../src/services/crawler/host-load'
import type { CrawlDoc } from '../../src/services/crawler/ledger-docs'
import { HostStatuses } from '../../src/services/crawler/host-statuses'
import { deleteLedgerIndices, ensureLedgerIndices, ledgerIndices } from '../../src/services/crawler/ledger-indices'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import { silentLogger } from '../../src/services/log'
import { HostClocks } from '../../src/services/politeness/host-clock'
import { PolitenessSchema } from '../../src/shared/source'
import { deleteSourcesIndex, ensureSourcesIndex } from '../../src/services/sources/source-index'
import { SourceRegistry } from '../../src/services/sources/source-registry'
import { SourceStore } from '../../src/services/sources/source-store'
import { ES_URL, uniqueIndex } from '../listings/fixtures'

const prefix = uniqueIndex('hosts')
const indices = ledgerIndices(prefix)
const sourcesIndex = `${prefix}-sources`
const es = createElasticsearchClient(ES_URL, 30_000)
const NOW = Date.now()
const clocks = new HostClocks(es, indices.hosts)
const statuses = new HostStatuses({
  clocks,
  loads: new HostLoads(es, indices.items),
  politeness: {
    politenessFor: (host) => PolitenessSchema.parse({ maxInFlight: 2, minGapMs: host === 'b.test:8080' ? 0 : 60_000 })
  },
  sourceNames: async () => ['board-a'],
  // board-b is not registered: its items are paced by the fallback rule, as the dispatcher does.
  hostOfSource: (source) => (source === 'board-a' ? 'a.test:8080' : 'b.test:8080'),
  runningCrawlIds: async () => ['c-run'],
  robots: null
})
let api: RunningApi

function item(n: number, fields: Record<string, unknown>): object[] {
  return [{ index: { _index: indices.items, _id: `i-${n}` } }, fields]
}

beforeAll(async () => {
  await ensureLedgerIndices(es, indices)
  await ensureSourcesIndex(es, sourcesIndex)
  const store = new SourceStore(es, sourcesIndex)
  await store.ensureDefault({ listingUrlTemplate: 'http://jobboard.test/jobs/{id}', sitemapUrls: [] })
  await store.create({ name: 'board-a', listingUrlTemplate: 'http://a.test:8080/jobs/{id}' })
  await clocks.update('a.test:8080', (doc) => ({
    doc: { ...doc, pausedUntil: NOW + 60_000, pauseReason: '429, Retry-After 60 s', refusals: 1, lastAnswer: '429' },
    result: true
  }))
  // The statuses read every clock with a search: make the write visible to it.
  await es.indices.refresh({ index: indices.hosts })
  const a = { crawlId: 'c-run', source: 'board-a' }
  await es.bulk({
    refresh: true,
    operations: [
      // Fetching now (slot open), and started 10 s ago: 2 starts in the last minute, 1 in flight.
      item(1, { ...a, state: 'scraping', host: 'a.test:8080', slotAt: NOW - 10_000 }),
      // Dispatched, its slot not open yet: not in flight, not started.
      item(2, { ...a, state: 'scraping', host: 'a.test:8080', slotAt: NOW + 5_000 }),
      item(3, { ...a, state: 'done', host: 'a.test:8080', slotAt: NOW - 30_000, finishedAt: NOW - 5000 }),
      // Two minutes ago: not in the last minute.
      item(4, { ...a, state: 'done', host: 'a.test:8080', slotAt: NOW - 120_000, finishedAt: NOW - 5000 }),
      item(5, { ...a, state: 'queued' }),
      item(6, { ...a, state: 'queued' }),
      // Another crawl's (not running): not left to do.
      item(7, { crawlId: 'c-paused', source: 'board-a', state: 'queued' }),
      // No slots on b (no gap): its dispatch is its start.
      item(8, { crawlId: 'c-run', source: 'board-b', state: 'scraping', host: 'b.test:8080', dispatchedAt: NOW - 1000 })
    ].flat()
  })
  api = await startApi({
    port: 0,
    elasticsearchUrl: ES_URL,
    index: `${prefix}-listings`,
    scrape: async () => {
      throw new Error('no scrapes here')
    },
    sources: new SourceRegistry({ store, hosts: (source) => statuses.ofSource(source.name, NOW) }),
    logger: silentLogger
  })
})

afterAll(async () => {
  await api?.listings.repository.deleteIndex()
  await api?.close()
  await deleteLedgerIndices(es, indices)
  await deleteSourcesIndex(es, sourcesIndex)
  await es.close()
})

describe('host status', () => {
  it("reads each host's load, limits and backoff from the ledger and its clock", async () => {
    const hosts = await statuses.all(NOW)
    expect(hosts.map((h) => h.host)).toEqual(['a.test:8080', 'b.test:8080'])
    expect(hosts[0]).toMatchObject({
      source: 'board-a',
      maxInFlight: 2,
      effectiveGapMs: 60000,
      inFlight: 1,
      requestsPerSecond: 2 / 60,
      allowedPerSecond: 1000 / 60575,
      remaining: 4,
      backoffUntil: new Date(NOW + 60_000).toISOString(),
      backoffReason: '429, Retry-After 60 s',
      blocked: false,
      lastAnswer: '429'
    })
    expect(hosts[1]).toMatchObject({
      source: 'board-b',
      maxInFlight: 2,
      effectiveGapMs: 0,
      allowedPerSecond: null,
      inFlight: 1,
      requestsPerSecond: 1 / 60,
      remaining: 1,
      backoffUntil: null
    })
  })

  it("serves a source's hosts at GET /sources/:name/hosts and in its detail", async () => {
    const client = new SourceClient({ baseUrl: api.url })
    const { hosts } = await client.hosts('board-a')
    expect(hosts.map((h) => [h.host, h.inFlight, h.remaining])).toEqual([['a.test:8080', 1, 4]])
    expect((await client.get('board-a')).hosts).toEqual(hosts)
    await expect(client.hosts('no-such')).rejects.toMatchObject({ kind: 'SourceNotFound', status: 404 })
  })

  it("gives a crawl's part per host, and an ETA no sooner than its slowest host allows", async () => {
    const at = new Date(NOW).toISOString()
    const crawl: CrawlDoc = {
      id: 'c-run',
      name: 'two boards',
      state: 'running',
      source: 'sources board-a, board-b',
      sourceSpec: { kind: 'sources', names: ['board-a', 'board-b'] },
      ingesting: false,
      ingestError: null,
      sourceRead: 7,
      duplicateCount: 0,
      invalidCount: 0,
      refresh: false,
      maxAttempts: 3,
      createdAt: at,
      updatedAt: at,
      finishedAt: null
    }
    const detail = await new CrawlStats(es, indices.items, (counts) => statuses.ofCrawl(counts, NOW)).detail(crawl, NOW)
    expect(detail.hosts).toEqual([
      {
        host: 'a.test:8080',
        source: 'board-a',
        done: 2,
        failed: 0,
        waiting: 2,
        scraping: 2,
        allowedPerSecond: 1000 / 60575,
        backoffUntil: new Date(NOW + 60_000).toISOString(),
        backoffReason: '429, Retry-After 60 s',
        blocked: false
      },
      {
        host: 'b.test:8080',
        source: 'board-b',
        done: 0,
        failed: 0,
        waiting: 0,
        scraping: 1,
        allowedPerSecond: null,
        backoffUntil: null,
        backoffReason: null,
        blocked: false
      }
    ])
    // 2 finished in the last 30 s: the fleet would finish the 5 left in 75 s, but a.test allows
    // one fetch start per 60000 + 500 (window) + 75 (margin) ms for its 4: 242 s.
    expect(detail.ratePerSecond).toBe(2 / 30)
    expect(detail.etaSeconds).toBe(242)
  })
})
