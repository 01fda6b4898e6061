/**
 * A full crawl against a re-crawl of the same board after it changed: `npm run bench:recrawl`
 * (a few minutes). Real processes on loopback (test/support/crawl-stack.ts): the job board
 * in-process, 10,000 listings at BENCH_LATENCY_MS (default 100) a page, with a churn of 1 %
 * changed and 0.5 % new an epoch; the API with its coordinator; BENCH_SCRAPERS scraper
 * processes (default 2, SCRAPER_MAX_WORKERS 10 as in the stack), on the shared RabbitMQ and
 * Elasticsearch. The first crawl fetches the whole board; the board moves one epoch; the second
 * crawl skips what <lastmod> says is unchanged and fetches the rest. Prints each crawl's wall
 * time (start to done), the whole bodies the board served for it and its 304s, and the ratio
 * of the two wall times. Targets: the re-crawl ≥ 10× faster, whole bodies ≤ 3 % of the board.
 */
import { performance } from 'node:perf_hooks'
import { CrawlClient } from '../src/main/clients/crawl-client'
import type { CrawlDetail } from '../src/shared/crawl'
import {
  cleanUpStack,
  startApiProcess,
  startScraper,
  startTestBoard,
  uniqueStackNames,
  waitUntil
} from '../test/support/crawl-stack'
import type { ServiceProcess, TestBoard } from '../test/support/crawl-stack'
import { machineLine } from './support/machine'

const COUNT = 10_000
const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 100)
const SCRAPERS = Number(process.env['BENCH_SCRAPERS'] ?? 2)
/** BENCH_LASTMOD=false: sitemaps without <lastmod>, so the re-crawl asks for every page, conditionally. */
const LASTMOD = process.env['BENCH_LASTMOD'] !== 'false'
const CHURN = { new: COUNT * 0.005, changed: COUNT * 0.01, removed: 0, everyMs: null }

const names = uniqueStackNames('recrawl-bench')
let board: TestBoard | null = null
let api: ServiceProcess | null = null
const scrapers: ServiceProcess[] = []

interface CrawlRun {
  seconds: number
  /** When the ledger had every id of the sitemaps, and when nothing was queued or in flight any more. */
  ingestSeconds: number
  settledSeconds: number
  bodies: number
  notModified: number
  detail: CrawlDetail
}

async function crawlOnce(client: CrawlClient): Promise<CrawlRun> {
  const before = board!.board.snapshot().bodies
  const t0 = performance.now()
  const { crawl } = await client.start({ source: { kind: 'board' }, name: 'recrawl bench' })
  let ingested: number | null = null
  let settled: number | null = null
  const detail = await waitUntil(
    async () => {
      const d = await client.get(crawl.id)
      if (ingested === null && !d.ingesting) ingested = (performance.now() - t0) / 1000
      if (settled === null && !d.ingesting && d.queued + d.scraping === 0) settled = (performance.now() - t0) / 1000
      return d.state === 'done' ? d : null
    },
    30 * 60_000,
    `crawl ${crawl.id} to be done`,
    200
  )
  const seconds = (performance.now() - t0) / 1000
  const after = board!.board.snapshot().bodies
  return {
    seconds,
    ingestSeconds: ingested ?? seconds,
    settledSeconds: settled ?? seconds,
    bodies: after.full - before.full,
    notModified: after.notModified - before.notModified,
    detail
  }
}

function line(label: string, run: CrawlRun): string {
  const c = run.detail.changes
  const changes =
    c === undefined ? '' : `; new ${c.new}, changed ${c.changed}, unchanged ${c.unchanged}, gone ${c.gone}`
  return `${label}: ${run.seconds.toFixed(1)} s (ingested at ${run.ingestSeconds.toFixed(1)} s, all answered at ${run.settledSeconds.toFixed(1)} s), ${run.detail.total} items, ${run.bodies} whole bodies (${((run.bodies / COUNT) * 100).toFixed(2)} % of the board), ${run.notModified} 304s${changes}`
}

async function main(): Promise<void> {
  console.log(machineLine())
  console.log(
    `board: ${COUNT} listings, ${LATENCY_MS} ms a page, churn ${CHURN.changed} changed + ${CHURN.new} new, <lastmod> ${LASTMOD ? 'on' : 'off'}; ${SCRAPERS} scrapers × 10 workers`
  )
  board = await startTestBoard({
    count: COUNT,
    seed: 31,
    latency: String(LATENCY_MS),
    churn: CHURN,
    sitemapLastmod: LASTMOD
  })
  for (let i = 0; i < SCRAPERS; i += 1)
    scrapers.push(await startScraper(names, board, `bench-${i}`, { SCRAPER_MAX_WORKERS: '10' }))
  const started = await startApiProcess(names, board)
  api = started.api
  const client = new CrawlClient({ baseUrl: started.url })

  const full = await crawlOnce(client)
  console.log(line('full crawl', full))
  board.board.churn.advance()
  const again = await crawlOnce(client)
  console.log(line('re-crawl  ', again))
  const speedup = full.seconds / again.seconds
  const share = again.bodies / COUNT
  console.log(
    `re-crawl ${speedup.toFixed(1)}× faster (target ≥ 10×: ${speedup >= 10 ? 'met' : 'NOT met'}); whole bodies ${(share * 100).toFixed(2)} % of the board (target ≤ 3 %: ${share <= 0.03 ? 'met' : 'NOT met'})`
  )
}

main()
  .catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
  .finally(async () => {
    await api?.kill()
    for (const scraper of scrapers) await scraper.kill()
    await board?.board.close()
    await cleanUpStack(names)
  })
