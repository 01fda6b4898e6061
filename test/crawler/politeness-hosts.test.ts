/**
 * Backing off per host, proven at the sites. Site A is busy for its first 1.5 s (503 with
 * Retry-After: 3 to every page request): the third 503 in a row pauses it, and it sees no
 * request until those 3 s are up; the crawl finishes, only the two 503s before the run told
 * it was busy costing an attempt. Board B answers 429 to everything: it is blocked after 8
 * refusals in a row, and its source says onBlocked 'fail', so its items end failed with the
 * reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { SourceClient } from '../../src/main/clients/source-client'
import type { SiteTruth } from '../../src/services/jobboard/site-limit'
import { startBusySite } from './busy-site'
import type { BusySite } from './busy-site'
import {
  allItems,
  cleanUpStack,
  expectCountsAddUp,
  startApiProcess,
  startBoardProcess,
  startScraper,
  uniqueStackNames,
  waitForCrawl
} from './crawl-fixture'
import type { BoardProcess, ServiceProcess } from './crawl-fixture'

const RETRY_AFTER_S = 3
const names = uniqueStackNames('backoff-hosts')
let boardA: BoardProcess
let siteA: BusySite
let boardB: BoardProcess
let scraper: ServiceProcess
let api: ServiceProcess
let crawls: CrawlClient
let sources: SourceClient

beforeAll(async () => {
  ;[boardA, boardB] = await Promise.all([
    startBoardProcess({ JOBBOARD_COUNT: '40', JOBBOARD_SEED: '47' }),
    startBoardProcess({ JOBBOARD_COUNT: '20', JOBBOARD_SEED: '48', JOBBOARD_REFUSE_FOR: '600000/1' })
  ])
  siteA = await startBusySite(boardA.board.url, { forMs: 1500, retryAfterS: RETRY_AFTER_S })
  const defaultSite = { board: { url: siteA.url } }
  scraper = await startScraper(names, defaultSite, 'backoff-hosts-1')
  const started = await startApiProcess(names, defaultSite, { CRAWL_DEFAULT_SOURCE_POLITENESS: '2/100' })
  api = started.api
  crawls = new CrawlClient({ baseUrl: started.url })
  sources = new SourceClient({ baseUrl: started.url })
  await sources.add({
    name: 'stubborn',
    listingUrlTemplate: `${boardB.board.url}/jobs/{id}`,
    politeness: { maxInFlight: 2, minGapMs: 100, onBlocked: 'fail' }
  })
}, 120_000)

afterAll(async () => {
  await api?.kill()
  await scraper?.kill()
  await siteA?.close()
  await boardA?.process.kill()
  await boardB?.process.kill()
  await cleanUpStack(names)
})

async function truthOf(board: BoardProcess): Promise<SiteTruth> {
  return ((await (await fetch(`${board.board.url}/_stats`)).json()) as { site: SiteTruth }).site
}

describe('backing off per host', () => {
  it(
    'a run of 503s pauses the host for its Retry-After; only the 503s before the run cost attempts',
    { timeout: 60_000 },
    async () => {
      const ids = boardA.activeIds.slice(0, 6)
      const { crawl } = await crawls.start({ source: { kind: 'ids', text: ids.join('\n') }, maxAttempts: 3 })
      const detail = await waitForCrawl(crawls, crawl.id, ['done'], 50_000)
      expectCountsAddUp(detail)
      expect(detail).toMatchObject({ done: ids.length, failed: 0 })
      const busy = siteA.arrivals.filter((a) => a.status === 503)
      console.log(
        `busy site: ${JSON.stringify(siteA.arrivals.map((a) => [Math.round(a.at - siteA.arrivals[0]!.at), a.status]))}`
      )
      expect(busy.length, '503s answered before the host was paused').toBe(3)
      const third = busy[2]!.at
      const early = siteA.arrivals.filter((a) => a.at > third && a.at < third + RETRY_AFTER_S * 1000)
      expect(early, 'requests that came before the third 503’s Retry-After ran out').toEqual([])
      const attempts = (await allItems(crawls, crawl.id)).reduce((sum, item) => sum + item.attempts, 0)
      expect(attempts, 'attempts: one per item, and one more for each 503 before the run').toBe(ids.length + 2)
    }
  )

  it(
    "a host that keeps refusing is blocked; onBlocked 'fail' fails its items with the reason",
    { timeout: 60_000 },
    async () => {
      const ids = boardB.activeIds.slice(0, 4)
      const { crawl } = await crawls.start({ source: { kind: 'ids', text: ids.join('\n'), source: 'stubborn' } })
      const detail = await waitForCrawl(crawls, crawl.id, ['done'], 50_000)
      expectCountsAddUp(detail)
      expect(detail).toMatchObject({ done: 0, failed: ids.length })
      for (const item of await allItems(crawls, crawl.id)) {
        expect(item.errorKind).toBe('HostBlocked')
        expect(item.errorMessage).toMatch(/blocked after 8 refusals in a row: .*answered 429/)
      }
      const truth = await truthOf(boardB)
      console.log(`blocked board: ${JSON.stringify(truth)}`)
      expect(truth.served).toBe(0)
      expect(truth.early, 'requests before an earlier Retry-After ran out').toBe(0)
    }
  )
})
