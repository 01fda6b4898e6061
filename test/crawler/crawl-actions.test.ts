/**
 * Crawl actions on a real stack (job board at 100 ms a page, two scraper processes, the API
 * process): cancel stops a crawl's requests from reaching the board within 5 s while another
 * crawl goes on; pause holds them and resume finishes without counting extra attempts;
 * retry re-runs only the failed ids; delete removes the crawl; export streams every item.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { EXPORT_COLUMNS } from '../../src/shared/crawl'
import {
  allItems,
  expectCountsAddUp,
  startApiProcess,
  startScraper,
  startTestBoard,
  stopCrawlStack,
  uniqueStackNames,
  waitForCrawl,
  waitUntil
} from './crawl-fixture'
import type { ServiceProcess, TestBoard } from './crawl-fixture'

const names = uniqueStackNames('actions')
let board: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess
let client: CrawlClient

beforeAll(async () => {
  // Slow enough (2 × 4 workers at 400 ms: ~20/s) that a cancel or pause lands mid-crawl on a fast idle machine too.
  board = await startTestBoard({ count: 700, seed: 5, latency: '400' })
  for (let i = 0; i < 2; i += 1)
    scrapers.push(await startScraper(names, board, `replica-${i}`, { SCRAPER_MAX_WORKERS: '4' }))
  const started = await startApiProcess(names, board, { CRAWL_WINDOW: '400' })
  api = started.api
  client = new CrawlClient({ baseUrl: started.url })
}, 120_000)

afterAll(() => stopCrawlStack(names, { api, scrapers, board }))

describe('crawl actions', () => {
  it('cancel: within 5 s none of its ids reaches the board; another crawl goes on', { timeout: 120_000 }, async () => {
    const cancelIds = board.activeIds.slice(0, 300)
    const otherIds = board.activeIds.slice(300, 400)
    const { crawl } = await client.start({ source: { kind: 'ids', text: cancelIds.join('\n') }, refresh: true })
    const other = (await client.start({ source: { kind: 'ids', text: otherIds.join('\n') }, refresh: true })).crawl
    await waitUntil(async () => (await client.get(crawl.id)).done >= 30, 60_000, '30 done')
    const cancelled = await client.action(crawl.id, 'cancel')
    const cancelledAt = Date.now()
    expect(cancelled.state).toBe('cancelled')
    expectCountsAddUp(cancelled)
    expect(cancelled.queued + cancelled.scraping).toBe(0)
    expect(cancelled.cancelled).toBeGreaterThan(0)

    const otherDetail = await waitForCrawl(client, other.id, ['done'])
    expect(otherDetail.done).toBe(otherIds.length)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, cancelledAt + 6000 - Date.now())))
    const ofCancelled = new Set(cancelIds)
    const late = board.hits.filter((h) => ofCancelled.has(h.id) && h.at > cancelledAt + 5000)
    expect(late).toEqual([])
    const final = await client.get(crawl.id)
    expectCountsAddUp(final)
    expect(final.total).toBe(cancelIds.length)
  })

  it(
    'pause holds the crawl, resume finishes it with no attempt counted for the pause',
    { timeout: 120_000 },
    async () => {
      const ids = board.activeIds.slice(400, 600)
      const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') }, refresh: true })
      await waitUntil(async () => (await client.get(crawl.id)).done >= 20, 60_000, '20 done')
      expect((await client.action(crawl.id, 'pause')).state).toBe('paused')
      // The queued requests come back `queued` as the scrapers answer them "paused".
      const held = await waitUntil(
        async () => {
          const detail = await client.get(crawl.id)
          return detail.scraping === 0 ? detail : null
        },
        20_000,
        'nothing in flight'
      )
      const heldAt = Date.now()
      expect(held.queued).toBeGreaterThan(0)
      expectCountsAddUp(held)
      // A scraper that fetches a page and only then answers "paused" leaves board hits of
      // items that are not done: every id the board saw by now must be a done item.
      const ofCrawl = new Set(ids)
      const doneAtHold = new Set(
        (await allItems(client, crawl.id)).filter((i) => i.state === 'done').map((i) => i.listingId)
      )
      expect(board.hits.filter((h) => ofCrawl.has(h.id) && !doneAtHold.has(h.id)).map((h) => h.id)).toEqual([])
      // While held, the scrapers stay busy with another crawl: when it is done they have taken
      // many requests, and none of them may have been one of the paused crawl's.
      const otherIds = board.activeIds.slice(300, 360)
      const other = (await client.start({ source: { kind: 'ids', text: otherIds.join('\n') }, refresh: true })).crawl
      expect((await waitForCrawl(client, other.id, ['done'])).done).toBe(otherIds.length)
      expect(board.hits.filter((h) => ofCrawl.has(h.id) && h.at > heldAt).map((h) => h.id)).toEqual([])
      expect((await client.get(crawl.id)).done).toBe(held.done)

      expect((await client.action(crawl.id, 'resume')).state).toBe('running')
      const detail = await waitForCrawl(client, crawl.id, ['done'])
      expect(detail.done).toBe(ids.length)
      const items = await allItems(client, crawl.id)
      expect(items.filter((i) => i.attempts !== 1)).toEqual([])
    }
  )

  it(
    'retry re-runs only the failed ids, attempts kept; export streams every item; delete removes it',
    { timeout: 120_000 },
    async () => {
      const expired = board.expiredIds.slice(0, 10)
      const active = board.activeIds.slice(600, 620)
      const { crawl } = await client.start({
        source: { kind: 'ids', text: [...expired, ...active].join('\n') },
        refresh: true,
        maxAttempts: 2
      })
      const first = await waitForCrawl(client, crawl.id, ['done'])
      expect([first.done, first.failed]).toEqual([active.length, expired.length])
      const hitsBefore = board.hits.length

      expect((await client.action(crawl.id, 'retry')).state).toBe('running')
      const second = await waitForCrawl(client, crawl.id, ['done'])
      expect([second.done, second.failed]).toEqual([active.length, expired.length])
      const retried = board.hits.slice(hitsBefore).map((h) => h.id)
      expect(retried.sort()).toEqual([...expired].sort())
      for (const item of await allItems(client, crawl.id)) expect(item.attempts).toBe(item.state === 'failed' ? 2 : 1)

      const csv = await new Response(await client.export(crawl.id, 'csv')).text()
      const lines = csv.trim().split(/\r?\n/)
      expect(lines[0]).toBe(EXPORT_COLUMNS.join(','))
      expect(lines).toHaveLength(1 + expired.length + active.length)
      const jsonl = (await new Response(await client.export(crawl.id, 'jsonl')).text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { state: string; title: string | null })
      expect(jsonl.filter((row) => row.state === 'done' && row.title !== null)).toHaveLength(active.length)

      expect(await client.remove(crawl.id)).toEqual({ deleted: true })
      await expect(client.get(crawl.id)).rejects.toMatchObject({ kind: 'CrawlNotFound' })
    }
  )
})
