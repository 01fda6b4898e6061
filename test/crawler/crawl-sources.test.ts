/**
 * One crawl over two sources on a real crawl stack: two job boards (the same catalog ids on
 * both, on two loopback ports), a scraper process and the API process with its coordinator.
 * The second board is registered over REST while everything runs, no restart; every id is
 * an item per source, fetched from its own board, exported with its source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SourceClient } from '../../src/main/clients/source-client'
import { ApiClientError } from '../../src/main/clients/api-client'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import { ES_URL } from '../listings/fixtures'
import {
  allItems,
  expectCountsAddUp,
  startApiProcess,
  startScraper,
  startTestBoard,
  stopCrawlStack,
  uniqueStackNames,
  waitForCrawl
} from './crawl-fixture'
import type { ServiceProcess, TestBoard } from './crawl-fixture'

const names = uniqueStackNames('sources')
// The same seed: both boards list the same ids, which must still be two items each.
const A_COUNT = 24
const B_COUNT = 16
let boardA: TestBoard
let boardB: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess
let crawls: CrawlClient
let sources: SourceClient

beforeAll(async () => {
  boardA = await startTestBoard({ count: A_COUNT, seed: 21 })
  boardB = await startTestBoard({ count: B_COUNT, seed: 21 })
  scrapers.push(await startScraper(names, boardA, 'replica-0', { SCRAPER_MAX_WORKERS: '4' }))
  const started = await startApiProcess(names, boardA)
  api = started.api
  crawls = new CrawlClient({ baseUrl: started.url })
  sources = new SourceClient({ baseUrl: started.url })
}, 120_000)

afterAll(() => stopCrawlStack(names, { api, scrapers, board: boardA }).finally(() => boardB?.board.close()))

describe('a crawl of two sources', () => {
  it(
    'is one crawl: each board read through its own sitemap, each id an item of its source',
    { timeout: 120_000 },
    async () => {
      // No per-host pacing here: this test is about which board an id goes to, not how fast.
      const fast = { maxInFlight: 8, minGapMs: 0 }
      await sources.edit('jobboard', { politeness: fast })
      await sources.add({
        name: 'board-b',
        listingUrlTemplate: `${boardB.board.url}/jobs/{id}`,
        sitemapUrls: [`${boardB.board.url}/sitemap.xml`],
        politeness: fast
      })

      const { crawl } = await crawls.start({ source: { kind: 'sources', names: ['jobboard', 'board-b'] } })
      expect(crawl.source).toBe('sources jobboard, board-b')
      const detail = await waitForCrawl(crawls, crawl.id, ['done', 'cancelled'], 90_000)
      expectCountsAddUp(detail)
      expect(detail.total).toBe(A_COUNT + B_COUNT)
      expect(detail.done).toBe(boardA.activeIds.length + boardB.activeIds.length)
      expect(detail.errors.map((e) => [e.kind, e.count])).toEqual(
        detail.failed === 0 ? [] : [['ListingNotFound', boardA.expiredIds.length + boardB.expiredIds.length]]
      )

      const items = await allItems(crawls, crawl.id)
      const bySource = (source: string): string[] =>
        items
          .filter((i) => i.source === source)
          .map((i) => i.listingId)
          .sort()
      expect(bySource('jobboard')).toEqual([...boardA.activeIds, ...boardA.expiredIds].sort())
      expect(bySource('board-b')).toEqual([...boardB.activeIds, ...boardB.expiredIds].sort())
      // Each id was fetched from its own board, once.
      expect(boardA.hits.map((h) => h.id).sort()).toEqual(bySource('jobboard'))
      expect(boardB.hits.map((h) => h.id).sort()).toEqual(bySource('board-b'))

      // The cache holds a listing per source: the default source's under its bare id, the other's under board-b:<id>.
      const es = createElasticsearchClient(ES_URL, 30_000)
      const id = boardB.activeIds[0]!
      const cached = await es.mget<{ source?: string; url: string }>({
        index: names.listingsIndex,
        ids: [id, `board-b:${id}`]
      })
      await es.close()
      expect(cached.docs.map((d) => ('found' in d && d.found ? [d._source?.source, d._source?.url] : null))).toEqual([
        ['jobboard', `${boardA.board.url}/jobs/${id}`],
        ['board-b', `${boardB.board.url}/jobs/${id}`]
      ])

      const rows = (await new Response(await crawls.export(crawl.id, 'jsonl')).text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { source: string; listingId: string; url: string | null })
      expect(rows).toHaveLength(A_COUNT + B_COUNT)
      expect(rows.find((r) => r.source === 'board-b' && r.listingId === id)?.url).toBe(`${boardB.board.url}/jobs/${id}`)
    }
  )

  it('refuses a crawl of an unknown or paused source, saying which', async () => {
    await expect(crawls.start({ source: { kind: 'sources', names: ['jobboard', 'nope'] } })).rejects.toMatchObject({
      kind: 'InvalidCrawl',
      message: 'Unknown source "nope"'
    })
    await sources.setPaused('board-b', true)
    const paused = await crawls
      .start({ source: { kind: 'ids', text: '1\n2', source: 'board-b' } })
      .catch((err: unknown) => err)
    expect(paused).toBeInstanceOf(ApiClientError)
    expect(paused).toMatchObject({
      kind: 'InvalidCrawl',
      message: 'The source "board-b" is paused',
      hint: 'Resume it first: deck source resume board-b.'
    })
  })
})
