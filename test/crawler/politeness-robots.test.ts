/**
 * robots.txt obeyed, proven at the site: a board whose robots.txt disallows a few listings and
 * sets a Crawl-delay of 0.3 s, and enforces 2 in flight / 300 ms (429 beyond it). A crawl of
 * some ids, the disallowed among them: the board sees no request for a disallowed path and no
 * gap under the Crawl-delay (robots.txt's own fetch included), the disallowed items end
 * `skipped` / RobotsDisallowed, the others `done`. With the host's robots.txt ignored by
 * choice (logged), the same disallowed ids are fetched. A single lookup of a disallowed id is
 * refused (RobotsDisallowed) without a request to the board.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { generateCatalog } from '../../src/services/jobboard/catalog'
import type { RobotsTruth } from '../../src/services/jobboard/robots-txt'
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

const CATALOG = { seed: 44, count: 40 }
const active = generateCatalog(CATALOG)
  .entries.filter((entry) => entry.status === 'active')
  .map((entry) => entry.id)
const DISALLOWED = active.slice(0, 3)
const ALLOWED = active.slice(3, 9)
const CRAWL_DELAY_MS = 300

const names = uniqueStackNames('robots')
let board: BoardProcess
let scraper: ServiceProcess
let api: ServiceProcess
let apiUrl: string

async function boardTruth(): Promise<{ site: SiteTruth; robots: RobotsTruth; listings: Record<string, number> }> {
  return (await (await fetch(`${board.board.url}/_stats`)).json()) as {
    site: SiteTruth
    robots: RobotsTruth
    listings: Record<string, number>
  }
}

beforeAll(async () => {
  board = await startBoardProcess({
    JOBBOARD_COUNT: String(CATALOG.count),
    JOBBOARD_SEED: String(CATALOG.seed),
    JOBBOARD_ROBOTS: JSON.stringify({
      disallow: DISALLOWED.map((id) => `/jobs/${id}`),
      crawlDelay: CRAWL_DELAY_MS / 1000
    }),
    JOBBOARD_LIMIT: `2/${CRAWL_DELAY_MS}/1`
  })
  scraper = await startScraper(names, board, 'robots-1')
  const started = await startApiProcess(names, board, {
    // The board is the default source; its own gap is below the Crawl-delay: the delay must raise it.
    CRAWL_DEFAULT_SOURCE_POLITENESS: '2/100',
    // Processes on a shared 2-core machine: see politeness.test.ts.
    CRAWL_SLOT_MARGIN_MS: '150'
  })
  api = started.api
  apiUrl = started.url
}, 120_000)

afterAll(async () => {
  await api?.kill()
  await scraper?.kill()
  await board?.process.kill()
  await cleanUpStack(names)
})

it(
  'disallowed ids are skipped (RobotsDisallowed) and never requested; Crawl-delay holds; ignored by choice, they are fetched',
  { timeout: 120_000 },
  async () => {
    const client = new CrawlClient({ baseUrl: apiUrl })
    const ids = [...DISALLOWED, ...ALLOWED]
    const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') } })
    const detail = await waitForCrawl(client, crawl.id, ['done'], 60_000)
    expectCountsAddUp(detail)
    expect(detail).toMatchObject({ total: ids.length, done: ALLOWED.length, skipped: DISALLOWED.length, failed: 0 })
    const items = await allItems(client, crawl.id)
    const skipped = items.filter((item) => item.state === 'skipped')
    expect(skipped.map((item) => item.listingId).sort()).toEqual([...DISALLOWED].sort())
    for (const item of skipped) {
      expect(item.errorKind).toBe('RobotsDisallowed')
      expect(item.attempts).toBe(0)
    }
    const truth = await boardTruth()
    console.log(`robots obeyed: ${JSON.stringify({ site: truth.site, robots: truth.robots })}`)
    expect(truth.robots.disallowedRequested, 'requests for robots-disallowed paths the board saw').toBe(0)
    expect(truth.site.refused, '429s the board sent (its limit, the Crawl-delay, exceeded)').toBe(0)
    expect(truth.site.shortestGapMs, 'the shortest gap between two request starts').toBeGreaterThanOrEqual(
      CRAWL_DELAY_MS
    )
    // robots.txt itself is a request the site saw, paced with the pages.
    expect(truth.site.served).toBe(ALLOWED.length + 1)

    // A single lookup follows the same rule, with the error saying why.
    const lookup = await fetch(`${apiUrl}/joblisting/${DISALLOWED[0]}`)
    const body = (await lookup.json()) as { error: { kind: string; message: string; hint: string } }
    expect(lookup.status).toBe(403)
    expect(body.error.kind).toBe('RobotsDisallowed')
    expect(body.error.message).toContain(`disallows ${board.board.url}/jobs/${DISALLOWED[0]}`)
    expect(body.error.hint).toContain('--ignore-robots')
    expect((await boardTruth()).robots.disallowedRequested).toBe(0)

    // Ignoring robots.txt ignores its Crawl-delay too: the source's own gap keeps the board's limit.
    const edit = await fetch(`${apiUrl}/sources/jobboard`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ politeness: { minGapMs: CRAWL_DELAY_MS, respectRobots: false } })
    })
    expect(edit.status).toBe(200)
    const second = await client.start({ source: { kind: 'ids', text: DISALLOWED.join('\n') } })
    const fetched = await waitForCrawl(client, second.crawl.id, ['done'], 60_000)
    expectCountsAddUp(fetched)
    expect(fetched).toMatchObject({ done: DISALLOWED.length, skipped: 0 })
    await api.waitFor(/robots\.txt ignored for this host/)
    const after = await boardTruth()
    expect(after.robots.disallowedRequested).toBe(DISALLOWED.length)
    expect(after.site.refused).toBe(0)
  }
)
