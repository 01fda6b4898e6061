/**
 * The parse pool on real worker threads: a page parses off the event loop, a parse that
 * outlives its deadline is PageTooComplex and its thread is replaced, errors keep their kind.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOSTILE_PAGES } from '../../../test/fixtures/hostile-pages'
import { ParsePool } from './parse-pool'

const PAGE = readFileSync(new URL('../../../test/fixtures/pages/greenhouse-range.html', import.meta.url), 'utf8')
const CONTEXT = { id: 'p-1', url: 'http://127.0.0.1:8081/jobs/p-1', scrapedAt: '2024-11-05T12:00:00.000Z' }

const slowButLegalPage = HOSTILE_PAGES.slowButLegal

/** The deadline under test: far below what the slow page takes (seconds), far above a normal page (milliseconds). */
const pool = new ParsePool({ threads: 2, timeoutMs: 1000 })
/**
 * For what a parse gives, not how fast: this file runs beside other suites on 2 cores, where a
 * cold thread has taken over 400 ms for a normal page.
 */
const roomy = new ParsePool({ threads: 1, timeoutMs: 30_000 })
afterAll(() => Promise.all([pool.close(), roomy.close()]))

// Threads start with tsx compiling the parser, which takes seconds while other suites run.
beforeAll(async () => {
  // Both threads of the strict pool compiled and warm before any deadline is asserted.
  await Promise.allSettled([pool.parse(PAGE, CONTEXT), pool.parse(PAGE, CONTEXT)])
}, 60_000)

describe('ParsePool', { timeout: 30_000 }, () => {
  it('parses a page on a worker thread into the same Listing as in-process', async () => {
    const listing = await roomy.parse(PAGE, CONTEXT)
    expect(listing).toMatchObject({ ID: 'p-1', title: 'Senior Backend Engineer', extractedFrom: 'json-ld' })
  })

  it('gives up on a parse past its deadline, keeps the event loop free meanwhile, and replaces the thread', async () => {
    let ticks = 0
    const ticker = setInterval(() => ticks++, 20)
    const started = performance.now()
    try {
      await expect(pool.parse(slowButLegalPage(), CONTEXT)).rejects.toMatchObject({
        name: 'PageTooComplex',
        message: expect.stringContaining('took longer than 1000 ms')
      })
    } finally {
      clearInterval(ticker)
    }
    // The message above is written only when the deadline aborted the parse (parse-pool.ts).
    const elapsed = performance.now() - started
    // An event loop blocked by the parse would have ticked about never.
    expect(ticks).toBeGreaterThan(elapsed / 20 / 3)
    // The thread it killed is replaced: three pages parse afterwards.
    const again = await Promise.all([roomy.parse(PAGE, CONTEXT), pool.parse(PAGE, CONTEXT), pool.parse(PAGE, CONTEXT)])
    expect(again.map((listing) => listing.title)).toEqual(Array(3).fill('Senior Backend Engineer'))
  })

  it('relays scraper errors with their kind, url and message', async () => {
    await expect(roomy.parse('<h1>A blog post</h1>', CONTEXT)).rejects.toMatchObject({
      name: 'NotAJobListing',
      excPath: 'scrapedeck.scraper.NotAJobListing',
      message: expect.stringContaining(`${CONTEXT.url} is not a job listing`)
    })
    await expect(pool.parse('<div>'.repeat(1000), CONTEXT)).rejects.toMatchObject({ name: 'PageTooComplex' })
  })

  it('does not count time spent waiting for a thread against a page', async () => {
    // Two slow pages take both threads; the normal pages queued behind them must not time out.
    const slow = Promise.allSettled([pool.parse(slowButLegalPage(), CONTEXT), pool.parse(slowButLegalPage(), CONTEXT)])
    const normal = await Promise.all(Array.from({ length: 4 }, () => pool.parse(PAGE, CONTEXT)))
    expect(normal).toHaveLength(4)
    expect((await slow).map((result) => result.status)).toEqual(['rejected', 'rejected'])
  })
})
