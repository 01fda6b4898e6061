/**
 * Crawls on a real stack: the job board (600 listings, 100 ms a page, 15 % of pages 503,
 * the whole board read through its /sitemap.xml),
 * three scraper processes and the API process with its coordinator, on the shared RabbitMQ
 * and Elasticsearch. A crawl of the whole board ends with every id done or failed with a
 * reason, with a replica SIGKILLed mid-crawl and, in another crawl, the coordinator itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClientError } from '../../src/main/clients/api-client'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import type { CrawlDetail, CrawlItemState } from '../../src/shared/crawl'
import { ES_URL } from '../listings/fixtures'
import {
  allItems,
  expectCountsAddUp,
  startApiProcess,
  startScraper,
  startTestBoard,
  stopCrawlStack,
  uniqueStackNames,
  waitForCrawl,
  waitUntil
} from './crawl-fixture'
import type { ServiceProcess, TestBoard } from './crawl-fixture'

const names = uniqueStackNames('board')
const COUNT = 600
let board: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess
let client: CrawlClient

beforeAll(async () => {
  board = await startTestBoard({ count: COUNT, seed: 11, latency: '100', failureRate: 0.15 })
  for (let i = 0; i < 3; i += 1)
    scrapers.push(await startScraper(names, board, `replica-${i}`, { SCRAPER_MAX_WORKERS: '4' }))
  api = await startApi()
}, 120_000)

/** The API with its coordinator, reading the whole board through the board's own /sitemap.xml. */
async function startApi(): Promise<ServiceProcess> {
  const { api: process, url } = await startApiProcess(names, board, { CRAWL_WINDOW: '150' })
  client = new CrawlClient({ baseUrl: url })
  return process
}

afterAll(() => stopCrawlStack(names, { api, scrapers, board }))

describe('crawl of the whole board', () => {
  it(
    'ends with every id done or failed with a reason, 0 lost with a replica killed mid-crawl',
    { timeout: 180_000 },
    async () => {
      const { crawl } = await client.start({ source: { kind: 'board' }, maxAttempts: 10 })
      expect(crawl.state).toBe('running')
      const midway = await waitUntil(
        async () => {
          const detail = await client.get(crawl.id)
          return detail.done >= 150 ? detail : null
        },
        60_000,
        '150 done'
      )
      await scrapers[0]!.kill('SIGKILL')
      const killedAt = Date.now()
      expect(midway.ratePerSecond).toBeGreaterThan(0)
      expect(midway.etaSeconds).toBeGreaterThan(0)
      expect((await client.list()).crawls[0]).toMatchObject({ id: crawl.id, state: 'running' })

      const detail = await waitForCrawl(client, crawl.id)
      expectWholeBoard(detail)
      expect(detail.errors.map((e) => [e.kind, e.count])).toEqual([['ListingNotFound', board.expiredIds.length]])
      expect(board.expiredIds).toEqual(expect.arrayContaining(detail.errors[0]!.exampleIds))
      expect(detail.replicas.map((r) => r.replica).sort()).toEqual(['replica-0', 'replica-1', 'replica-2'])
      expect(detail.replicas.reduce((sum, r) => sum + r.done, 0)).toBe(detail.done)
      expect(detail.etaSeconds).toBeNull()
      // 5 s buckets over the last 10 min, holding every finished item of this crawl.
      expect(detail.timeline).toHaveLength(120)
      expect(detail.timeline.reduce((sum, point) => sum + point.completed, 0)).toBe(detail.done + detail.failed)

      const items = await allItems(client, crawl.id)
      expect(items).toHaveLength(COUNT)
      expect(new Set(items.map((i) => i.listingId)).size).toBe(COUNT)
      const expired = new Set(board.expiredIds)
      for (const item of items) {
        expect(item.state).toBe(expired.has(item.listingId) ? 'failed' : 'done')
        if (item.state === 'failed') expect(item.errorKind).toBe('ListingNotFound')
      }
      // The killed replica really stopped: nothing it answered was stored after the kill.
      expect(items.filter((i) => i.replica === 'replica-0' && Date.parse(i.updatedAt) > killedAt + 1000)).toEqual([])
      // Transient 503s were retried (15 % of pages); a permanent failure was never tried again.
      expect(items.some((i) => i.state === 'done' && i.attempts > 1)).toBe(true)
      for (const item of items.filter((i) => i.state === 'failed')) {
        // A request the killed replica had answered but not yet acked is delivered again (at
        // least once) and fetched by another replica: a redelivery, not a retry of the failure.
        if (item.replica === 'replica-0' && Date.parse(item.updatedAt) <= killedAt + 1000) continue
        const finishedAt = Date.parse(item.updatedAt)
        expect(board.hits.filter((h) => h.id === item.listingId && h.at > finishedAt + 50)).toEqual([])
      }

      // The listings cache holds each done listing once (its _id is the listing id).
      const es = createElasticsearchClient(ES_URL, 10_000)
      await es.indices.refresh({ index: names.listingsIndex })
      const { count } = await es.count({ index: names.listingsIndex })
      await es.close()
      expect(count).toBe(board.activeIds.length)
    }
  )

  it('loses nothing when the coordinator is killed mid-crawl and started again', { timeout: 180_000 }, async () => {
    const { crawl } = await client.start({ source: { kind: 'board' }, refresh: true, maxAttempts: 10 })
    await waitUntil(async () => (await client.get(crawl.id)).done >= 120, 60_000, '120 done')
    const oldUrl = client
    await api.kill('SIGKILL')
    await expect(oldUrl.list()).rejects.toMatchObject({ kind: 'CrawlerUnavailable' })
    // Replies keep coming into the durable reply queue meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 2000))
    api = await startApi()

    const detail = await waitForCrawl(client, crawl.id)
    expectWholeBoard(detail)
  })

  it('skips ids already cached unless the crawl refreshes', { timeout: 60_000 }, async () => {
    const ids = board.activeIds.slice(0, 20).join('\n')
    const { crawl } = await client.start({ source: { kind: 'ids', text: ids } })
    expect(crawl.total).toBe(20)
    const detail = await waitForCrawl(client, crawl.id)
    expect(detail.skipped).toBe(20)
  })
})

describe('REST errors', () => {
  it('answers 400 InvalidCrawl for a bad request and 404 CrawlNotFound for an unknown crawl', async () => {
    const bad = await client
      .start({ source: { kind: 'sitemap', url: 'ftp://example.invalid/x' } } as never)
      .catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(ApiClientError)
    expect(bad).toMatchObject({ kind: 'InvalidCrawl', status: 400 })
    const missing = await client.get('no-such-crawl').catch((e: unknown) => e)
    expect(missing).toMatchObject({ kind: 'CrawlNotFound', status: 404 })
    const badState = await client.items('no-such-crawl', { state: 'bogus' as CrawlItemState }).catch((e: unknown) => e)
    expect(badState).toMatchObject({ kind: 'InvalidCrawl', status: 400 })
    // A sitemap that cannot be read fails the request with its reason; no crawl is made.
    const before = (await client.list()).crawls.length
    const unreachable = await client
      .start({ source: { kind: 'sitemap', url: 'http://127.0.0.1:9/sitemap.xml' } })
      .catch((e: unknown) => e)
    expect(unreachable).toMatchObject({
      kind: 'InvalidCrawl',
      status: 400,
      message: expect.stringContaining('127.0.0.1:9')
    })
    expect((await client.list()).crawls).toHaveLength(before)
  })

  it(
    'reports invalid lines and counts duplicates once; an action the state does not allow is 409',
    { timeout: 60_000 },
    async () => {
      const [first, second] = board.activeIds
      const started = await client.start({
        source: { kind: 'ids', text: `${first}\nnot an id!\n${second}\n${first}\n` }
      })
      expect(started).toMatchObject({
        invalidCount: 1,
        duplicateCount: 1,
        crawl: { total: 2, source: 'list of 2 ids' }
      })
      expect(started.invalidLines).toEqual([expect.objectContaining({ line: 2, text: 'not an id!' })])
      await waitForCrawl(client, started.crawl.id, ['done'])
      await expect(client.action(started.crawl.id, 'pause')).rejects.toMatchObject({
        kind: 'CrawlConflict',
        status: 409
      })
    }
  )
})

/** Every id of the board ended: each active one done, each expired one failed. */
function expectWholeBoard(detail: CrawlDetail): void {
  expectCountsAddUp(detail)
  expect(detail.queued + detail.scraping).toBe(0)
  expect(detail.total).toBe(COUNT)
  expect(detail.done).toBe(board.activeIds.length)
  expect(detail.failed).toBe(board.expiredIds.length)
}
