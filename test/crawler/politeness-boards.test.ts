/**
 * Politeness over many hosts, proven at each site: one job board process serves five boards,
 * each on a loopback port of its own (a host of its own to the crawler), each enforcing its
 * own limit (429 beyond it) and some a robots.txt. Each board is a source registered with its
 * limit; one crawl names four of them, at 1 replica and then at 4. Every board must report
 * no request closer than its D, never more than N at once, no 429 sent and no disallowed
 * path asked for, and every item must be accounted for. The fifth board answers 429 with
 * `Retry-After: 5` to everything for its first 3 s: it must see nothing before those 5 s
 * are up, and the crawl must finish without the refusals costing an attempt.
 *
 * The boards' truth comes from the board process's `/_boards` (src/services/jobboard/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { SourceClient } from '../../src/main/clients/source-client'
import type { CrawlDetail } from '../../src/shared/crawl'
import { generateCatalog } from '../../src/services/jobboard/catalog'
import type { BoardStats } from '../../src/services/jobboard/server'
import {
  allItems,
  cleanUpStack,
  expectCountsAddUp,
  startApiProcess,
  startBoardSetProcess,
  startScraper,
  uniqueStackNames,
  waitForCrawl
} from './crawl-fixture'
import type { BoardSetProcess, ServiceProcess } from './crawl-fixture'

interface PoliteBoard {
  name: string
  seed: number
  count: number
  latencyMs: string
  /** What the board enforces, and so the source's limit. */
  maxInFlight: number
  minGapMs: number
  /** Listing ids its robots.txt disallows (active ones, picked from the catalog). */
  disallowCount: number
  /** A Crawl-delay (s) above the source's own gap: the engine must take the larger. */
  crawlDelayS?: number
}

const BOARDS: PoliteBoard[] = [
  // Stricter than the engine's default (2 in flight, 1000 ms): only this source's own limit keeps it.
  { name: 'polite-a', seed: 51, count: 6, latencyMs: '50-150', maxInFlight: 1, minGapMs: 1500, disallowCount: 0 },
  { name: 'polite-b', seed: 52, count: 12, latencyMs: '150-400', maxInFlight: 2, minGapMs: 200, disallowCount: 2 },
  { name: 'polite-c', seed: 53, count: 12, latencyMs: '200-500', maxInFlight: 3, minGapMs: 150, disallowCount: 0 },
  {
    name: 'polite-d',
    seed: 54,
    count: 8,
    latencyMs: '50-150',
    maxInFlight: 2,
    minGapMs: 100,
    disallowCount: 1,
    crawlDelayS: 0.5
  }
]
const REFUSING = { name: 'refusing', seed: 55, count: 6, refuseForMs: 3000, retryAfterS: 5 }

/** The gap the board enforces: the source's, or the Crawl-delay when that is longer. */
const enforcedGapMs = (board: PoliteBoard): number => Math.max(board.minGapMs, (board.crawlDelayS ?? 0) * 1000)

const disallowedIds = new Map(
  BOARDS.map((board) => {
    const active = generateCatalog({ seed: board.seed, count: board.count }).entries.filter(
      (e) => e.status === 'active'
    )
    return [board.name, active.slice(1, 1 + board.disallowCount).map((e) => e.id)]
  })
)

const names = uniqueStackNames('boards')
let boards: BoardSetProcess
const scrapers: ServiceProcess[] = []
let api: ServiceProcess
let crawls: CrawlClient

beforeAll(async () => {
  boards = await startBoardSetProcess([
    ...BOARDS.map((board) => ({
      name: board.name,
      seed: board.seed,
      count: board.count,
      latencyMs: board.latencyMs,
      port: 0,
      limit: { maxInFlight: board.maxInFlight, minGapMs: enforcedGapMs(board), retryAfterS: 1 },
      robots: {
        disallow: disallowedIds.get(board.name)!.map((id) => `/jobs/${id}`),
        crawlDelay: board.crawlDelayS ?? null
      }
    })),
    {
      name: REFUSING.name,
      seed: REFUSING.seed,
      count: REFUSING.count,
      port: 0,
      limit: '2/100',
      refuseFor: `${REFUSING.refuseForMs}/${REFUSING.retryAfterS}`
    }
  ])
  scrapers.push(await startScraper(names, boards, 'boards-1'))
  const started = await startApiProcess(names, boards, {
    // Seven processes on a shared 2-core machine, beside CI's other lanes: the delay from a
    // scraper's slot check to the board's handler seeing the request (its event loop included)
    // varied by 157 ms once at 150, far more than the default margin.
    CRAWL_SLOT_MARGIN_MS: '250'
  })
  api = started.api
  crawls = new CrawlClient({ baseUrl: started.url })
  const sources = new SourceClient({ baseUrl: started.url })
  for (const board of BOARDS) {
    const { url } = boards.boards.get(board.name)!
    await sources.add({
      name: board.name,
      listingUrlTemplate: `${url}/jobs/{id}`,
      sitemapUrls: [`${url}/sitemap.xml`],
      politeness: { maxInFlight: board.maxInFlight, minGapMs: board.minGapMs }
    })
  }
  const refusing = boards.boards.get(REFUSING.name)!
  await sources.add({
    name: REFUSING.name,
    listingUrlTemplate: `${refusing.url}/jobs/{id}`,
    sitemapUrls: [`${refusing.url}/sitemap.xml`],
    politeness: { maxInFlight: 2, minGapMs: 100 }
  })
}, 120_000)

afterAll(async () => {
  await api?.kill()
  for (const scraper of scrapers) await scraper.kill()
  await boards?.process.kill()
  await cleanUpStack(names)
})

/** Each board's truth after a crawl: the limit held, and no disallowed path was asked for. */
function expectEveryLimitHeld(truth: Record<string, BoardStats>, label: string): void {
  for (const board of BOARDS) {
    const { site, robots } = truth[board.name]!
    console.log(`${label}, ${board.name}: ${JSON.stringify({ site, robots })}`)
    const at = `${board.name} (${board.maxInFlight} in flight, ${enforcedGapMs(board)} ms)`
    expect(site.refused, `429s ${at} sent: its limit was exceeded`).toBe(0)
    expect(site.shortestGapMs, `shortest gap between request starts ${at} saw`).toBeGreaterThanOrEqual(
      enforcedGapMs(board)
    )
    expect(site.maxConcurrency, `most requests ${at} answered at once`).toBeLessThanOrEqual(board.maxInFlight)
    expect(robots.disallowedRequested, `requests for paths ${at} disallows`).toBe(0)
  }
}

/** Every listing of every board is an item: done (active), failed as gone (expired) or skipped (disallowed). */
async function expectEveryItemAccountedFor(detail: CrawlDetail): Promise<void> {
  expectCountsAddUp(detail)
  const listed = BOARDS.map((board) => boards.boards.get(board.name)!)
  const disallowed = BOARDS.reduce((sum, board) => sum + board.disallowCount, 0)
  expect(detail.total).toBe(BOARDS.reduce((sum, board) => sum + board.count, 0))
  expect({ done: detail.done, failed: detail.failed, skipped: detail.skipped, queued: detail.queued }).toEqual({
    done: listed.reduce((sum, board) => sum + board.activeIds.length, 0) - disallowed,
    failed: listed.reduce((sum, board) => sum + board.expiredIds.length, 0),
    skipped: disallowed,
    queued: 0
  })
  const items = await allItems(crawls, detail.id)
  const skipped = items.filter((item) => item.state === 'skipped')
  expect(skipped.map((item) => `${item.source}:${item.listingId} ${item.errorKind}`).sort()).toEqual(
    BOARDS.flatMap((board) => disallowedIds.get(board.name)!.map((id) => `${board.name}:${id} RobotsDisallowed`)).sort()
  )
}

async function crawlTheFour(
  refresh: boolean,
  label: string
): Promise<{ detail: CrawlDetail; truth: Record<string, BoardStats> }> {
  const { crawl } = await crawls.start({
    source: { kind: 'sources', names: BOARDS.map((board) => board.name) },
    refresh
  })
  const detail = await waitForCrawl(crawls, crawl.id, ['done'], 90_000).catch(async (error: unknown) => {
    // A board whose limit was exceeded keeps refusing (and its host ends blocked): say so, not only "timed out".
    expectEveryLimitHeld((await boards.stats()).boards, `${label}, crawl unfinished`)
    throw error
  })
  const truth = (await boards.stats()).boards
  expectEveryLimitHeld(truth, label)
  return { detail, truth }
}

describe('four boards with their own limits, one crawl over all of them', () => {
  it('at 1 replica: every board sees its limit kept and robots.txt obeyed', { timeout: 120_000 }, async () => {
    const { detail, truth } = await crawlTheFour(false, '1 replica')
    await expectEveryItemAccountedFor(detail)
    for (const board of BOARDS) {
      const { activeIds, expiredIds } = boards.boards.get(board.name)!
      const fetched = Object.keys(truth[board.name]!.listings).sort()
      const allowed = [...activeIds, ...expiredIds].filter((id) => !disallowedIds.get(board.name)!.includes(id))
      expect(fetched, `listings ${board.name} was asked for`).toEqual(allowed.sort())
    }
  })

  it('at 4 replicas: the limits are per host, not per replica', { timeout: 150_000 }, async () => {
    for (const name of ['boards-2', 'boards-3', 'boards-4']) scrapers.push(await startScraper(names, boards, name))
    const before = (await boards.stats()).boards
    const { detail, truth } = await crawlTheFour(true, '4 replicas')
    await expectEveryItemAccountedFor(detail)
    const replicas = new Set((await allItems(crawls, detail.id)).map((item) => item.replica).filter(Boolean))
    expect(replicas.size, 'replicas that scraped an item').toBeGreaterThan(1)
    for (const board of BOARDS) {
      const served = truth[board.name]!.site.served - before[board.name]!.site.served
      expect(served, `pages ${board.name} served to the second crawl`).toBeGreaterThanOrEqual(
        board.count - board.disallowCount
      )
    }
  })
})

it(
  'a board answering 429 + Retry-After: 5 sees nothing before the 5 s are up; the crawl finishes, no attempt lost',
  { timeout: 120_000 },
  async () => {
    const { crawl } = await crawls.start({ source: { kind: 'sources', names: [REFUSING.name] }, maxAttempts: 1 })
    const detail = await waitForCrawl(crawls, crawl.id, ['done'], 100_000)
    expectCountsAddUp(detail)
    const refusing = boards.boards.get(REFUSING.name)!
    // maxAttempts 1: an item whose 429 had counted as an attempt would have failed.
    expect({ done: detail.done, failed: detail.failed }).toEqual({
      done: refusing.activeIds.length,
      failed: refusing.expiredIds.length
    })
    for (const item of await allItems(crawls, crawl.id)) expect(item.attempts, `attempts of ${item.listingId}`).toBe(1)
    const { site } = (await boards.stats()).boards[REFUSING.name]!
    console.log(`429 for ${REFUSING.refuseForMs} ms with Retry-After ${REFUSING.retryAfterS}: ${JSON.stringify(site)}`)
    expect(site.refused, '429s the board sent in its refusal spell').toBeGreaterThanOrEqual(1)
    expect(site.early, 'requests that came before the Retry-After ran out').toBe(0)
  }
)
