/**
 * Backing off when told, proven at the site: a board answers every request 429 with
 * `Retry-After: 5` for its first 3 s. It must see no request before those 5 s are up (its
 * `early` count), the crawl must finish, and the refusal must not cost an item an attempt.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import type { SiteTruth } from '../../src/services/jobboard/site-limit'
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

const names = uniqueStackNames('backoff')
let board: BoardProcess
let scraper: ServiceProcess
let api: ServiceProcess
let client: CrawlClient

beforeAll(async () => {
  board = await startBoardProcess({ JOBBOARD_COUNT: '40', JOBBOARD_SEED: '43', JOBBOARD_REFUSE_FOR: '3000/5' })
  scraper = await startScraper(names, board, 'backoff-1')
  const started = await startApiProcess(names, board, { CRAWL_DEFAULT_SOURCE_POLITENESS: '2/100' })
  api = started.api
  client = new CrawlClient({ baseUrl: started.url })
}, 120_000)

afterAll(async () => {
  await api?.kill()
  await scraper?.kill()
  await board?.process.kill()
  await cleanUpStack(names)
})

it(
  'a 429 with Retry-After: 5 pauses the host until then; the crawl finishes with no attempt lost',
  { timeout: 90_000 },
  async () => {
    const ids = board.activeIds.slice(0, 8)
    const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') }, maxAttempts: 1 })
    const detail = await waitForCrawl(client, crawl.id, ['done'], 80_000)
    expectCountsAddUp(detail)
    // maxAttempts 1: an item whose 429 had counted as an attempt would have failed.
    expect(detail).toMatchObject({ done: ids.length, failed: 0 })
    for (const item of await allItems(client, crawl.id)) expect(item.attempts, `attempts of ${item.listingId}`).toBe(1)
    const truth = (await (await fetch(`${board.board.url}/_stats`)).json()) as { site: SiteTruth }
    console.log(`429 for 3 s with Retry-After 5: ${JSON.stringify(truth.site)}`)
    expect(truth.site.refused).toBeGreaterThanOrEqual(1)
    expect(truth.site.early, 'requests that came before the Retry-After ran out').toBe(0)
    expect(truth.site.served).toBe(ids.length)
  }
)
