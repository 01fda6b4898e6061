/**
 * Re-crawls on a real stack: a 2,000-listing board with a churn, two scraper processes and the
 * API with its coordinator. The first crawl fetches every page; the board then moves one epoch
 * (new, changed and removed listings); the second crawl's change report matches the board's
 * truth exactly (ids, and the fields of each changed one) while the board serves whole bodies
 * for no more than the new and changed listings and a small margin. A third crawl of known ids
 * sent with their validators gets 304s and parses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import type { ChurnTruth } from '../../src/services/jobboard/churn'
import type { BoardStats } from '../../src/services/jobboard/server'
import { scrapeListing } from '../../src/services/scraper/scrape-listing'
import type { CrawlChange, CrawlChangeCounts } from '../../src/shared/crawl-changes'
import type { CrawlDetail } from '../../src/shared/crawl'
import {
  expectCountsAddUp,
  startApiProcess,
  startScraper,
  startTestBoard,
  stopCrawlStack,
  uniqueStackNames,
  waitForCrawl
} from './crawl-fixture'
import type { ServiceProcess, TestBoard } from './crawl-fixture'

const names = uniqueStackNames('recrawl')
const COUNT = 2000
const CHURN = { new: 30, changed: 40, removed: 20, everyMs: null }
/** Whole bodies a re-crawl may fetch beyond the new and changed ones (a retried page, say). */
const MARGIN = 5
let board: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess
let client: CrawlClient

beforeAll(async () => {
  board = await startTestBoard({ count: COUNT, seed: 23, churn: CHURN })
  for (let i = 0; i < 2; i += 1)
    scrapers.push(await startScraper(names, board, `replica-${i}`, { SCRAPER_MAX_WORKERS: '8' }))
  const started = await startApiProcess(names, board)
  api = started.api
  client = new CrawlClient({ baseUrl: started.url })
}, 120_000)

afterAll(() => stopCrawlStack(names, { api, scrapers, board }))

async function boardStats(): Promise<BoardStats> {
  return (await (await fetch(`${board.board.url}/_stats`)).json()) as BoardStats
}

async function allChanges(id: string): Promise<CrawlChange[]> {
  const changes: CrawlChange[] = []
  let cursor: string | undefined
  do {
    const page = await client.changes(id, { limit: 500, ...(cursor ? { cursor } : {}) })
    changes.push(...page.changes)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return changes
}

function expectChangesAddUp(detail: CrawlDetail): CrawlChangeCounts {
  expectCountsAddUp(detail)
  const counts = detail.changes!
  expect(counts.new + counts.changed + counts.unchanged + counts.gone + counts.failed).toBe(
    detail.done + detail.failed + detail.skipped
  )
  return counts
}

const ids = (changes: CrawlChange[], kind: CrawlChange['kind']): string[] =>
  changes
    .filter((c) => c.kind === kind)
    .map((c) => c.listingId)
    .sort()

describe('a re-crawl after the board moved one epoch', () => {
  it("fetches only what changed and reports exactly the board's truth", { timeout: 300_000 }, async () => {
    const first = await client.start({ source: { kind: 'board' } })
    const firstDetail = await waitForCrawl(client, first.crawl.id, ['done'], 200_000)
    const firstCounts = expectChangesAddUp(firstDetail)
    // Everything is new to an empty registry; an expired listing's 410 says it is gone.
    expect(firstCounts).toEqual({
      new: board.activeIds.length,
      changed: 0,
      unchanged: 0,
      gone: board.expiredIds.length,
      failed: 0
    })
    const afterFirst = await boardStats()
    // Every live page fetched whole (a retried one twice).
    expect(Object.keys(afterFirst.listings).length).toBe(COUNT)
    expect(afterFirst.bodies.full).toBeGreaterThanOrEqual(board.activeIds.length)

    const moved = (await (await fetch(`${board.board.url}/_epoch`, { method: 'POST' })).json()) as { epoch: number }
    expect(moved.epoch).toBe(1)
    const truth = (await (await fetch(`${board.board.url}/_churn?from=0&to=1`)).json()) as ChurnTruth
    expect([truth.new.length, truth.changed.length, truth.removed.length]).toEqual([30, 40, 20])

    const second = await client.start({ source: { kind: 'board' } })
    const detail = await waitForCrawl(client, second.crawl.id, ['done'], 200_000)
    const counts = expectChangesAddUp(detail)
    expect(counts).toEqual({
      new: truth.new.length,
      changed: truth.changed.length,
      unchanged: COUNT - truth.removed.length - truth.changed.length,
      gone: truth.removed.length,
      failed: 0
    })
    const changes = await allChanges(second.crawl.id)
    expect(ids(changes, 'new')).toEqual(truth.new)
    expect(ids(changes, 'gone')).toEqual(truth.removed)
    expect(
      changes
        .filter((c) => c.kind === 'changed')
        .map((c) => ({ id: c.listingId, fields: c.fields.map((f) => f.field).sort() }))
        .sort((a, b) => a.id.localeCompare(b.id))
    ).toEqual(truth.changed.map((c) => ({ id: c.id, fields: [...c.fields].sort() })))
    // Each diff says old → new.
    for (const change of changes.filter((c) => c.kind === 'changed'))
      for (const field of change.fields) expect(field.old).not.toEqual(field.new)

    const afterSecond = await boardStats()
    const bodies = afterSecond.bodies.full - afterFirst.bodies.full
    expect(bodies).toBeGreaterThanOrEqual(truth.new.length + truth.changed.length)
    expect(bodies).toBeLessThanOrEqual(truth.new.length + truth.changed.length + MARGIN)

    // Searchable, one kind at a time.
    const changed = changes.find((c) => c.kind === 'changed')!
    const found = await client.changes(second.crawl.id, { kind: 'changed', q: changed.listingId })
    expect(found.changes.map((c) => c.listingId)).toEqual([changed.listingId])
    const unchanged = await client.changes(second.crawl.id, { kind: 'unchanged', limit: 5 })
    expect(unchanged.changes.every((c) => c.kind === 'unchanged')).toBe(true)
    expect(unchanged.counts).toEqual(counts)

    // The export holds the changes only, every listed one.
    const exported = await new Response(await client.export(second.crawl.id, 'changes-jsonl')).text()
    const rows = exported.trim().split('\n')
    expect(rows).toHaveLength(counts.new + counts.changed + counts.gone + counts.failed)
    const csv = await new Response(await client.export(second.crawl.id, 'changes-csv')).text()
    expect(csv.split('\n')[0]).toBe('source,listingId,kind,title,company,fields,reason')
    expect(csv).toContain(' → ')
  })

  it(
    'without <lastmod> re-fetches every listing conditionally: unchanged ones answer 304, unparsed',
    { timeout: 300_000 },
    async () => {
      board.board.sitemap.lastmod = false
      const before = await boardStats()
      const moved = (await (await fetch(`${board.board.url}/_epoch`, { method: 'POST' })).json()) as {
        changes: ChurnTruth
      }
      const truth = moved.changes
      const crawl = await client.start({ source: { kind: 'board' } })
      const detail = await waitForCrawl(client, crawl.crawl.id, ['done'], 200_000)
      const counts = expectChangesAddUp(detail)
      expect([counts.new, counts.changed, counts.gone, counts.failed]).toEqual([
        truth.new.length,
        truth.changed.length,
        truth.removed.length,
        0
      ])
      const changes = await allChanges(crawl.crawl.id)
      expect(ids(changes, 'new')).toEqual(truth.new)
      expect(ids(changes, 'changed')).toEqual(truth.changed.map((c) => c.id))
      expect(ids(changes, 'gone')).toEqual(truth.removed)
      const after = await boardStats()
      const bodies = after.bodies.full - before.bodies.full
      expect(bodies).toBeGreaterThanOrEqual(truth.new.length + truth.changed.length)
      expect(bodies).toBeLessThanOrEqual(truth.new.length + truth.changed.length + MARGIN)
      // Every live listing it held whole answered 304 (the expired ones answer 410 as before).
      expect(after.bodies.notModified - before.bodies.notModified).toBeGreaterThanOrEqual(
        counts.unchanged - board.expiredIds.length
      )
    }
  )

  it('sends the validators it was given and takes a 304 as unchanged, unparsed', async () => {
    const before = await boardStats()
    const id = board.activeIds[0]!
    const page = await fetch(`${board.board.url}/jobs/${id}`)
    const validators = { etag: page.headers.get('etag'), lastModified: page.headers.get('last-modified') }
    expect(validators.etag).toMatch(/^"\d+-\d+"$/)
    await expect(
      scrapeListing(id, { sourceUrlTemplate: `${board.board.url}/jobs/{id}`, validators })
    ).rejects.toMatchObject({ name: 'ListingNotModified' })
    const after = await boardStats()
    expect(after.bodies.notModified - before.bodies.notModified).toBe(1)
    expect(after.bodies.full - before.bodies.full).toBe(1) // the fetch above, not the scrape
  })
})
