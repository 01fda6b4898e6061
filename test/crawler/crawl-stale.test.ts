/**
 * A page that stalls its scraper does not circulate forever: a request unanswered past the
 * stale deadline is tried again as a new attempt, and after maxAttempts the item fails with
 * a reason while the other items are done. The coordinator runs in-process here, over a
 * small real RpcServer on the shared broker whose handler never answers `stall-*` ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi } from '../../src/services/api/server'
import type { RunningApi } from '../../src/services/api/server'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { Coordinator } from '../../src/services/crawler/coordinator'
import { crawlReplyHeaders } from '../../src/services/crawler/crawl-control'
import { newItem } from '../../src/services/crawler/ledger-docs'
import { readSitemapListings } from '../../src/services/crawler/sources/sitemap'
import { SCRAPE_METHOD } from '../../src/services/listings/rpc-scrape'
import { silentLogger } from '../../src/services/log'
import { RpcServer } from '../../src/services/rpc/server'
import { TEST_AMQP_URI } from '../support/nameko'
import { ES_URL, makeListing } from '../listings/fixtures'
import { allItems, cleanUpStack, expectCountsAddUp, uniqueStackNames, waitForCrawl } from './crawl-fixture'

const names = uniqueStackNames('stale')
const STALE_MS = 2500
let release: () => void = () => {}
const stalled = new Promise<void>((resolve) => (release = resolve))
const calls: string[] = []
let server: RpcServer
let coordinator: Coordinator
let api: RunningApi
let client: CrawlClient

beforeAll(async () => {
  server = new RpcServer(
    {
      name: names.service,
      methods: {
        [SCRAPE_METHOD]: {
          params: ['job_listing_id'],
          handler: async (id: unknown) => {
            calls.push(String(id))
            if (String(id).startsWith('stall-')) await stalled
            return makeListing(String(id))
          }
        }
      }
    },
    {
      amqpUri: TEST_AMQP_URI,
      logger: silentLogger,
      maxWorkers: 20,
      replica: 'fake-1',
      replyHeaders: (tookMs) => crawlReplyHeaders('fake-1', tookMs)
    }
  )
  await server.start()
  coordinator = new Coordinator({
    elasticsearchUrl: ES_URL,
    listingsIndex: names.listingsIndex,
    indexPrefix: names.prefix,
    amqpUri: TEST_AMQP_URI,
    service: names.service,
    method: SCRAPE_METHOD,
    window: 100,
    staleMs: STALE_MS,
    backoff: { baseMs: 50, maxMs: 200 },
    sources: {
      boardSitemapUrl: 'http://127.0.0.1:9/sitemap.xml',
      template: 'http://127.0.0.1:9/jobs/{id}',
      readSitemap: readSitemapListings
    },
    // A fake replica with no limit: the default source is bounded by the window only.
    defaultSourcePoliteness: { maxInFlight: 10_000, minGapMs: 0 },
    logger: silentLogger,
    tickMs: 200
  })
  await coordinator.start()
  api = await startApi({
    port: 0,
    elasticsearchUrl: ES_URL,
    index: names.listingsIndex,
    scrape: () => Promise.reject(new Error('unused')),
    crawler: coordinator,
    logger: silentLogger
  })
  client = new CrawlClient({ baseUrl: api.url })
})

afterAll(async () => {
  release()
  await api?.close()
  await coordinator?.close()
  await server?.stop()
  await cleanUpStack(names)
})

describe('stale requests', () => {
  it(
    'fails a page that stalls its scraper after maxAttempts, with a reason; the rest is done',
    { timeout: 60_000 },
    async () => {
      const ids = [...Array.from({ length: 30 }, (_, i) => `ok-${i}`), 'stall-1', 'stall-2']
      const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') }, maxAttempts: 2 })
      const detail = await waitForCrawl(client, crawl.id, ['done'], 45_000)
      expectCountsAddUp(detail)
      expect([detail.done, detail.failed]).toEqual([30, 2])
      expect(detail.errors).toEqual([expect.objectContaining({ kind: 'RpcTimeout', count: 2 })])
      expect(detail.errors[0]!.exampleMessage).toMatch(/No reply within 3 s .*gave up after 2 attempts/)
      const failed = (await allItems(client, crawl.id)).filter((i) => i.state === 'failed')
      expect(failed.map((i) => [i.listingId, i.attempts]).sort()).toEqual([
        ['stall-1', 2],
        ['stall-2', 2]
      ])
      // Each attempt was one request to the scraper, no more.
      expect(calls.filter((c) => c.startsWith('stall-'))).toHaveLength(4)
      expect(detail.replicas).toEqual([expect.objectContaining({ replica: 'fake-1', done: 30 })])
    }
  )

  it(
    'publishes again what a coordinator killed mid-dispatch marked scraping but never published',
    { timeout: 30_000 },
    async () => {
      // The ledger as a coordinator leaves it when killed between the opening of a dispatch
      // batch (its items marked scraping in it) and the broker's confirm of its publish.
      const now = new Date().toISOString()
      const crawlId = `orphans-${Date.now().toString(36)}`
      await coordinator.crawls.create({
        id: crawlId,
        name: 'orphans',
        state: 'running',
        source: 'list of 3 ids',
        sourceSpec: { kind: 'ids' },
        ingesting: false,
        ingestError: null,
        sourceRead: 3,
        duplicateCount: 0,
        invalidCount: 0,
        refresh: false,
        maxAttempts: 3,
        createdAt: now,
        updatedAt: now,
        finishedAt: null
      })
      const longAgo = new Date(Date.now() - 60_000).toISOString()
      const batch = await coordinator.batches.open(Date.parse(longAgo))
      await coordinator.items.createMany(
        ['orphan-1', 'orphan-2', 'orphan-3'].map((id, seq) => ({
          ...newItem(crawlId, id, seq, 3, 'queued', now),
          state: 'scraping' as const,
          attempts: 1,
          dispatch: 1,
          dispatchedAt: longAgo,
          dispatchBatch: batch
        }))
      )
      const detail = await waitForCrawl(client, crawlId, ['done'], 20_000)
      expect([detail.done, detail.total]).toEqual([3, 3])
      // One publish each, the same dispatch: no attempt was counted for the lost publish.
      expect((await allItems(client, crawlId)).map((i) => i.attempts)).toEqual([1, 1, 1])
      expect(calls.filter((c) => c.startsWith('orphan-'))).toHaveLength(3)
      // Its publish confirmed, the batch is closed: a later pass publishes nothing again.
      expect(await coordinator.batches.openBefore(Date.now())).toEqual([])
    }
  )
})
