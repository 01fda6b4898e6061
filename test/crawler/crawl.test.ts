/**
 * Crawls on a real stack: the job board (600 listings, 100 ms a page, 15 % of pages 503),
 * three scraper processes and the API process with its coordinator, on the shared RabbitMQ
 * and Elasticsearch. A crawl of the whole board ends with every id done or failed with a
 * reason, with a replica SIGKILLed mid-crawl and, in another crawl, the coordinator itself.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient, CrawlClientError } from '../../src/services/crawler/crawl-client'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import type { CrawlItemState } from '../../src/shared/crawl'
import { ES_URL } from '../listings/fixtures'
import { allItems, cleanUpStack, expectCountsAddUp, startApiProcess, startScraper, startTestBoard, uniqueStackNames, waitForCrawl, waitUntil } from './crawl-fixture'
import type { ServiceProcess, TestBoard } from './crawl-fixture'

const names = uniqueStackNames('board')
const COUNT = 600
let board: TestBoard
let sitemap: Server
const scrapers: ServiceProcess[] = []
let api: ServiceProcess
let client: CrawlClient

beforeAll(async () => {
  board = await startTestBoard({ count: COUNT, seed: 11, latency: '100', failureRate: 0.15 })
  sitemap = await serveSitemap(board)
  const sitemapUrl = `http://127.0.0.1:${(sitemap.address() as AddressInfo).port}/sitemap.xml`
  for (let i = 0; i < 3; i += 1) scrapers.push(await startScraper(names, board, `replica-${i}`, { SCRAPER_MAX_WORKERS: '4' }))
  const started = await startApi(sitemapUrl)
  api = started
}, 120_000)

let apiEnv: Record<string, string> = {}
async function startApi(sitemapUrl?: string): Promise<ServiceProcess> {
  if (sitemapUrl !== undefined) apiEnv = { CRAWL_BOARD_SITEMAP_URL: sitemapUrl, CRAWL_WINDOW: '150' }
  const { api: process, url } = await startApiProcess(names, board, apiEnv)
  client = new CrawlClient({ baseUrl: url })
  return process
}

afterAll(async () => {
  await api?.kill()
  for (const scraper of scrapers) await scraper.kill()
  await board?.board.close()
  await new Promise((resolve) => sitemap?.close(resolve))
  await cleanUpStack(names)
})

describe('crawl of the whole board', () => {
  it('ends with every id done or failed with a reason, 0 lost with a replica killed mid-crawl', { timeout: 180_000 }, async () => {
    const { crawl } = await client.start({ source: { kind: 'board' }, maxAttempts: 10 })
    expect(crawl.state).toBe('running')
    await waitUntil(async () => (await client.get(crawl.id)).done >= 150, 60_000, '150 done')
    await scrapers[0]!.kill('SIGKILL')

    const detail = await waitForCrawl(client, crawl.id)
    expectCountsAddUp(detail)
    expect(detail.queued + detail.scraping).toBe(0)
    expect(detail.total).toBe(COUNT)
    expect(detail.done).toBe(board.activeIds.length)
    expect(detail.failed).toBe(board.expiredIds.length)
    expect(detail.errors.map((e) => [e.kind, e.count])).toEqual([['ListingNotFound', board.expiredIds.length]])
    expect(board.expiredIds).toEqual(expect.arrayContaining(detail.errors[0]!.exampleIds))
    expect(detail.replicas.map((r) => r.replica).sort()).toEqual(['replica-0', 'replica-1', 'replica-2'])

    const items = await allItems(client, crawl.id)
    expect(items).toHaveLength(COUNT)
    expect(new Set(items.map((i) => i.listingId)).size).toBe(COUNT)
    const expired = new Set(board.expiredIds)
    for (const item of items) {
      expect(item.state).toBe(expired.has(item.listingId) ? 'failed' : 'done')
      if (item.state === 'failed') expect(item.errorKind).toBe('ListingNotFound')
    }
    // Transient 503s were retried (15 % of pages); a permanent failure was never tried again.
    expect(items.some((i) => i.state === 'done' && i.attempts > 1)).toBe(true)
    for (const item of items.filter((i) => i.state === 'failed')) {
      const finishedAt = Date.parse(item.updatedAt)
      expect(board.hits.filter((h) => h.id === item.listingId && h.at > finishedAt + 50)).toEqual([])
    }

    // The listings cache holds each done listing once (its _id is the listing id).
    const es = createElasticsearchClient(ES_URL, 10_000)
    await es.indices.refresh({ index: names.listingsIndex })
    const { count } = await es.count({ index: names.listingsIndex })
    await es.close()
    expect(count).toBe(board.activeIds.length)
  })

  it('loses nothing when the coordinator is killed mid-crawl and started again', { timeout: 180_000 }, async () => {
    const { crawl } = await client.start({ source: { kind: 'board' }, refresh: true, maxAttempts: 10 })
    await waitUntil(async () => (await client.get(crawl.id)).done >= 120, 60_000, '120 done')
    await api.kill('SIGKILL')
    // Replies keep coming into the durable reply queue meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 2000))
    api = await startApi()

    const detail = await waitForCrawl(client, crawl.id)
    expectCountsAddUp(detail)
    expect(detail.queued + detail.scraping).toBe(0)
    expect(detail.total).toBe(COUNT)
    expect(detail.done).toBe(board.activeIds.length)
    expect(detail.failed).toBe(board.expiredIds.length)
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
    const bad = await client.start({ source: { kind: 'sitemap', url: 'ftp://example.invalid/x' } } as never).catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(CrawlClientError)
    expect(bad).toMatchObject({ kind: 'InvalidCrawl', status: 400 })
    const missing = await client.get('no-such-crawl').catch((e: unknown) => e)
    expect(missing).toMatchObject({ kind: 'CrawlNotFound', status: 404 })
    const badState = await client.items('no-such-crawl', { state: 'bogus' as CrawlItemState }).catch((e: unknown) => e)
    expect(badState).toMatchObject({ kind: 'InvalidCrawl', status: 400 })
  })
})

/** The board's listings (expired ones too, as boards list them) as one urlset. */
async function serveSitemap(testBoard: TestBoard): Promise<Server> {
  const locs = testBoard.board.catalog.listings.map((l) => `<url><loc>${testBoard.board.url}/jobs/${l.id}</loc></url>`).join('')
  const body = `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs}</urlset>`
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end(body))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}
