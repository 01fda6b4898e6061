/**
 * Politeness proven at the site: the board, a process of its own (as in the stack, so the test
 * runner's own work does not delay when it sees requests), enforces 2 requests in flight and
 * 200 ms between request starts (429 beyond it) and reports at /_stats the shortest gap and
 * the highest concurrency it saw. Crawls at 1 and at 4 replicas, two crawls on the board at once with the API (so the
 * coordinator) at 2 processes, a replica killed and a coordinator killed and restarted
 * mid-crawl: the board never sees the limit exceeded, and every item ends done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import type { SiteTruth } from '../../src/services/jobboard/site-limit'
import {
  cleanUpStack,
  expectCountsAddUp,
  startApiProcess,
  startBoardProcess,
  startScraper,
  uniqueStackNames,
  waitForCrawl,
  waitUntil
} from './crawl-fixture'
import type { BoardProcess, ServiceProcess } from './crawl-fixture'

const LIMIT = { maxInFlight: 2, minGapMs: 200, retryAfterS: 1 }
const names = uniqueStackNames('polite')
let board: BoardProcess
const scrapers: ServiceProcess[] = []
const apis: ServiceProcess[] = []
let client: CrawlClient
let apiEnv: Record<string, string>

beforeAll(async () => {
  board = await startBoardProcess({
    JOBBOARD_COUNT: '120',
    JOBBOARD_SEED: '41',
    JOBBOARD_LATENCY_MS: '150-450',
    JOBBOARD_LIMIT: `${LIMIT.maxInFlight}/${LIMIT.minGapMs}/${LIMIT.retryAfterS}`
  })
  scrapers.push(await startScraper(names, board, 'polite-1'))
  apiEnv = {
    // The board is the stack's default source: it is created with the board's limit.
    CRAWL_DEFAULT_SOURCE_POLITENESS: `${LIMIT.maxInFlight}/${LIMIT.minGapMs}`,
    // Eight processes on a shared 2-core machine, beside CI's other lanes: the delay from a
    // scraper's slot check to the board seeing the request varied by more than 150 ms there
    // (one 429 in a run), far more than the default margin allows for.
    CRAWL_SLOT_MARGIN_MS: '250'
  }
  const started = await startApiProcess(names, board, apiEnv)
  apis.push(started.api)
  client = new CrawlClient({ baseUrl: started.url })
}, 120_000)

afterAll(async () => {
  for (const api of apis) await api.kill()
  for (const scraper of scrapers) await scraper.kill()
  await board?.process.kill()
  await cleanUpStack(names)
})

async function siteTruth(): Promise<SiteTruth> {
  const stats = (await (await fetch(`${board.board.url}/_stats`)).json()) as { site: SiteTruth }
  return stats.site
}

function expectLimitHeld(truth: SiteTruth): void {
  expect(truth.refused, `requests the board refused with 429 (the limit was exceeded): ${JSON.stringify(truth)}`).toBe(
    0
  )
  expect(truth.shortestGapMs, 'the shortest gap between two request starts the board saw').toBeGreaterThanOrEqual(
    LIMIT.minGapMs
  )
  expect(truth.maxConcurrency, 'the most requests the board answered at once').toBeLessThanOrEqual(LIMIT.maxInFlight)
}

describe('politeness, measured at the site', () => {
  it('one replica: the board sees its limit kept and every item is done', { timeout: 90_000 }, async () => {
    const ids = board.activeIds.slice(0, 20)
    const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') } })
    const detail = await waitForCrawl(client, crawl.id, ['done'], 80_000)
    expectCountsAddUp(detail)
    expect(detail).toMatchObject({ done: ids.length, failed: 0 })
    const truth = await siteTruth()
    console.log(`1 replica: ${JSON.stringify(truth)}`)
    // Every page, and the board's robots.txt (fetched once, in a slot of its own).
    expect(truth.served).toBe(ids.length + 1)
    expectLimitHeld(truth)
  })

  it(
    '4 replicas, 2 API processes, two crawls on the host at once, a replica and a coordinator killed mid-crawl: the limit is shared, not multiplied',
    { timeout: 150_000 },
    async () => {
      for (const name of ['polite-2', 'polite-3', 'polite-4']) scrapers.push(await startScraper(names, board, name))
      const second = await startApiProcess(names, board, apiEnv)
      apis.push(second.api)
      const secondClient = new CrawlClient({ baseUrl: second.url })
      const servedBefore = (await siteTruth()).served
      const a = board.activeIds.slice(20, 45)
      const b = board.activeIds.slice(45, 70)
      const [first, other] = [
        await client.start({ source: { kind: 'ids', text: a.join('\n') } }),
        await secondClient.start({ source: { kind: 'ids', text: b.join('\n') } })
      ]
      await waitUntil(async () => (await secondClient.get(first.crawl.id)).done >= 5, 60_000, '5 done')
      await scrapers[1]!.kill('SIGKILL')
      await apis[0]!.kill('SIGKILL')
      const restarted = await startApiProcess(names, board, apiEnv)
      apis.push(restarted.api)
      const one = await waitForCrawl(secondClient, first.crawl.id, ['done'], 120_000)
      const two = await waitForCrawl(secondClient, other.crawl.id, ['done'], 120_000)
      for (const [detail, ids] of [
        [one, a],
        [two, b]
      ] as const) {
        expectCountsAddUp(detail)
        expect(detail).toMatchObject({ done: ids.length, failed: 0 })
      }
      const truth = await siteTruth()
      console.log(`4 replicas, 2 coordinators, 2 crawls: ${JSON.stringify(truth)}`)
      // A page fetched twice (a killed replica's answer lost) is served twice; none is skipped.
      expect(truth.served - servedBefore).toBeGreaterThanOrEqual(a.length + b.length)
      expectLimitHeld(truth)
    }
  )
})
