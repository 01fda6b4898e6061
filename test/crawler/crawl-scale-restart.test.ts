/**
 * A crawl while the fleet changes under it: scrapers added mid-crawl raise the rate it drains
 * at (board at 400 ms a page), and a RabbitMQ restart mid-crawl loses nothing. The broker
 * is the test infrastructure's node (`rabbitmqctl -n … stop_app` / `start_app`), so the outage is kept short.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { testRabbitmqctl } from '../support/test-endpoints'
import {
  allItems,
  cleanUpStack,
  expectCountsAddUp,
  startApiProcess,
  startScraper,
  startTestBoard,
  uniqueStackNames,
  waitForCrawl,
  waitUntil
} from './crawl-fixture'
import type { ServiceProcess, TestBoard } from './crawl-fixture'

const names = uniqueStackNames('fleet')
// Few workers on a slow board: the rate is bound by the board's latency, not by this machine's
// CPU, so adding replicas shows even on a busy 2-core machine.
const WORKERS = '2'
const SCRAPER_ENV = { SCRAPER_MAX_WORKERS: WORKERS, SCRAPER_PARSE_THREADS: '1' }
let board: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess
let client: CrawlClient

beforeAll(async () => {
  board = await startTestBoard({ count: 600, seed: 23, latency: '400' })
  scrapers.push(await startScraper(names, board, 'replica-1', SCRAPER_ENV))
  const started = await startApiProcess(names, board, { CRAWL_WINDOW: '400' })
  api = started.api
  client = new CrawlClient({ baseUrl: started.url })
}, 120_000)

afterAll(async () => {
  await api?.kill()
  for (const scraper of scrapers) await scraper.kill()
  await board?.board.close()
  await cleanUpStack(names)
})

describe('a crawl while the fleet changes', () => {
  it(
    'scaling the scrapers 1 → 3 mid-crawl: the new replicas take their share of the backlog',
    { timeout: 180_000 },
    async () => {
      const ids = board.activeIds.slice(0, 300)
      const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') } })
      await waitUntil(async () => (await client.get(crawl.id)).done >= 10, 60_000, 'the first 10 done')
      scrapers.push(await startScraper(names, board, 'replica-2', SCRAPER_ENV))
      scrapers.push(await startScraper(names, board, 'replica-3', SCRAPER_ENV))
      const atScale = await client.get(crawl.id)
      const backlog = ids.length - atScale.done - atScale.failed
      const detail = await waitForCrawl(client, crawl.id)
      expectCountsAddUp(detail)
      expect(detail).toMatchObject({ state: 'done', done: ids.length, failed: 0 })
      expect(detail.replicas.map((r) => r.replica).sort()).toEqual(['replica-1', 'replica-2', 'replica-3'])
      // Equal replicas share a backlog about equally, a third each once both run (replica-3 starts
      // a few seconds after replica-2); a tenth still says the broker hands each new one work. How
      // much faster the backlog drains is bench/crawl.bench.ts's to measure.
      const share = Object.fromEntries(detail.replicas.map((r) => [r.replica, r.done]))
      console.log(`crawl of ${ids.length}: ${backlog} left at the scale-out, done by replica ${JSON.stringify(share)}`)
      expect(share['replica-2']).toBeGreaterThan(backlog / 10)
      expect(share['replica-3']).toBeGreaterThan(backlog / 10)
    }
  )

  it(
    'a RabbitMQ restart mid-crawl loses nothing: every id ends done or failed with its reason',
    { timeout: 240_000 },
    async () => {
      const ids = [...board.activeIds.slice(300, 400), ...board.expiredIds.slice(0, 20)]
      const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') }, maxAttempts: 5 })
      await waitUntil(async () => (await client.get(crawl.id)).done >= 20, 60_000, '20 done')
      await testRabbitmqctl('stop_app')
      try {
        await new Promise((resolve) => setTimeout(resolve, 3000))
      } finally {
        await testRabbitmqctl('start_app')
        await testRabbitmqctl('await_startup')
      }
      const detail = await waitForCrawl(client, crawl.id, ['done'], 200_000)
      expectCountsAddUp(detail)
      expect(detail.total).toBe(ids.length)
      expect(detail.done).toBe(100)
      expect(detail.failed).toBe(20)
      const items = await allItems(client, crawl.id)
      expect(new Set(items.map((i) => i.listingId)).size).toBe(ids.length)
      for (const item of items.filter((i) => i.state === 'failed')) expect(item.errorKind).toBe('ListingNotFound')
    }
  )
})
