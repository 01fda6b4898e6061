/**
 * Politeness at scale, ours against Scrapy: `npx tsx bench/politeness.bench.ts` (a few minutes).
 *
 * BENCH_BOARDS boards (default 20), each enforcing 2 requests in flight and 250 ms between
 * request starts (429 beyond it), BENCH_LISTINGS listings each (default 30), 50–150 ms per
 * page. One job board process serves them all, each on a loopback address of its own
 * (127.0.0.11, .12, …, one port), so every crawler, Scrapy's per-domain slots included, sees
 * distinct sites. The boards are restarted before every run, so each run's truth is its own.
 *
 * Runs: our fleet (the API process with its coordinator, scraper processes, the shared
 * RabbitMQ and Elasticsearch; test/support/crawl-stack.ts) at 1, 2 and 4 replicas, one crawl
 * naming every board as a source registered with that limit; Scrapy 2.x (bench/peers, its own
 * venv) as one process with CONCURRENT_REQUESTS_PER_DOMAIN=2, DOWNLOAD_DELAY=0.25 (and
 * CONCURRENT_REQUESTS = 2 per board, so its global cap is not what bounds it); and k Scrapy
 * processes with the same settings over the same boards, each taking one k-th of every
 * board's listings (board sitemap page j of k), which is how a Scrapy user scales it out.
 *
 * Everything is read at the sites (`/_boards`): pages served and the span from the first to
 * the last request any board saw give pages/s; the allowed aggregate rate is boards × 1000/D;
 * violations are the 429s the boards sent (a request over N in flight or under D after the
 * previous start), with the shortest gap and the highest concurrency any board saw.
 */
import { performance } from 'node:perf_hooks'
import { CrawlClient } from '../src/main/clients/crawl-client'
import { SourceClient } from '../src/main/clients/source-client'
import type { CrawlDetail } from '../src/shared/crawl'
import { numberedBoardName } from '../src/services/jobboard/board-set-config'
import type { BoardStats } from '../src/services/jobboard/server'
import {
  cleanUpStack,
  startApiProcess,
  startBoardSetProcess,
  startScraper,
  uniqueStackNames,
  waitUntil
} from '../test/support/crawl-stack'
import type { BoardSetProcess, ServiceProcess } from '../test/support/crawl-stack'
import { machineLine } from './support/machine'
import { runScrapyCrawl } from './support/scrapy-peer'

const BOARDS = Number(process.env['BENCH_BOARDS'] ?? 20)
const LISTINGS = Number(process.env['BENCH_LISTINGS'] ?? 30)
const LIMIT = { maxInFlight: 2, minGapMs: 250 }
const LATENCY_MS = '50-150'
const REPLICAS = [1, 2, 4]
const SCRAPY_PROCESSES = [2, 4]
/** In the bench's own port block: every board on this port, each on its own loopback address. */
const BOARD_PORT = 21250
const MAIN_PORT = 21249
const boardAddress = (i: number): string => `127.0.0.${11 + i}`
const boardUrl = (i: number): string => `http://${boardAddress(i)}:${BOARD_PORT}`
const ALLOWED_PAGES_PER_SECOND = BOARDS * (1000 / LIMIT.minGapMs)

interface Row {
  who: string
  /** Pages served (not refused) at all boards. */
  pages: number
  pagesPerSecond: number
  /** pagesPerSecond ÷ the allowed aggregate rate. */
  fraction: number
  /** 429s sent, over all boards, and how many boards sent any. */
  refused: number
  boardsRefusing: number
  shortestGapMs: number | null
  maxConcurrency: number
  wallSeconds: number
}

function startBoards(sitemapPageSize: number): Promise<BoardSetProcess> {
  return startBoardSetProcess(
    {
      defaults: {
        count: LISTINGS,
        latencyMs: LATENCY_MS,
        limit: { ...LIMIT, retryAfterS: 1 },
        port: BOARD_PORT,
        sitemapPageSize
      },
      boards: Array.from({ length: BOARDS }, (_, i) => ({ name: numberedBoardName(i + 1), host: boardAddress(i) }))
    },
    { PORT: String(MAIN_PORT) }
  )
}

/** The run's row, from what the boards saw. */
function rowFrom(who: string, truth: Record<string, BoardStats>, wallSeconds: number): Row {
  const sites = Object.values(truth).map((board) => board.site)
  const pages = sites.reduce((sum, site) => sum + site.served, 0)
  const first = Math.min(...sites.flatMap((site) => (site.firstArrivalAt === null ? [] : [site.firstArrivalAt])))
  const last = Math.max(...sites.flatMap((site) => (site.lastArrivalAt === null ? [] : [site.lastArrivalAt])))
  const pagesPerSecond = last > first ? pages / ((last - first) / 1000) : 0
  const gaps = sites.flatMap((site) => (site.shortestGapMs === null ? [] : [site.shortestGapMs]))
  return {
    who,
    pages,
    pagesPerSecond,
    fraction: pagesPerSecond / ALLOWED_PAGES_PER_SECOND,
    refused: sites.reduce((sum, site) => sum + site.refused, 0),
    boardsRefusing: sites.filter((site) => site.refused > 0).length,
    shortestGapMs: gaps.length === 0 ? null : Math.min(...gaps),
    maxConcurrency: Math.max(...sites.map((site) => site.maxConcurrency)),
    wallSeconds
  }
}

/** One crawl of every board (refresh: each listing fetched again), until it is done. */
async function crawlAll(crawls: CrawlClient, sourceNames: string[]): Promise<CrawlDetail> {
  const { crawl } = await crawls.start({ source: { kind: 'sources', names: sourceNames }, refresh: true })
  return waitUntil(
    async () => {
      const detail = await crawls.get(crawl.id)
      return detail.state === 'done' ? detail : null
    },
    900_000,
    `crawl ${crawl.id} to be done`,
    200
  )
}

async function ourFleet(): Promise<Row[]> {
  const names = uniqueStackNames('bench-polite')
  const scrapers: ServiceProcess[] = []
  let boards = await startBoards(LISTINGS)
  let api: ServiceProcess | undefined
  const rows: Row[] = []
  try {
    scrapers.push(await startScraper(names, boards, 'polite-1'))
    const started = await startApiProcess(names, boards)
    api = started.api
    const crawls = new CrawlClient({ baseUrl: started.url })
    const sources = new SourceClient({ baseUrl: started.url })
    const sourceNames = Array.from({ length: BOARDS }, (_, i) => numberedBoardName(i + 1))
    for (const [i, name] of sourceNames.entries())
      await sources.add({
        name,
        listingUrlTemplate: `${boardUrl(i)}/jobs/{id}`,
        sitemapUrls: [`${boardUrl(i)}/sitemap.xml`],
        politeness: LIMIT
      })
    // A first crawl, not measured: the coordinator reads each host's robots.txt once (kept 6 h), in
    // the host's own fetch slots, and that one-time cost is not the steady rate being compared.
    await crawlAll(crawls, sourceNames)
    for (const replicas of REPLICAS) {
      while (scrapers.length < replicas)
        scrapers.push(await startScraper(names, boards, `polite-${scrapers.length + 1}`))
      await boards.process.kill()
      boards = await startBoards(LISTINGS)
      const t0 = performance.now()
      const detail = await crawlAll(crawls, sourceNames)
      const wallSeconds = (performance.now() - t0) / 1000
      const row = rowFrom(
        `ours, ${replicas} replica${replicas > 1 ? 's' : ''}`,
        (await boards.stats()).boards,
        wallSeconds
      )
      console.error(`${row.who}: ${JSON.stringify(row)} (items done ${detail.done}, failed ${detail.failed})`)
      rows.push(row)
    }
  } finally {
    await api?.kill()
    for (const scraper of scrapers) await scraper.kill()
    await boards.process.kill()
    await cleanUpStack(names)
  }
  return rows
}

/** k Scrapy processes at once, process j crawling sitemap page j of every board (k = 1: the whole sitemap). */
async function scrapy(processes: number): Promise<Row> {
  const boards = await startBoards(processes === 1 ? LISTINGS : Math.ceil(LISTINGS / processes))
  try {
    const settings = {
      CONCURRENT_REQUESTS: BOARDS * LIMIT.maxInFlight,
      CONCURRENT_REQUESTS_PER_DOMAIN: LIMIT.maxInFlight,
      DOWNLOAD_DELAY: LIMIT.minGapMs / 1000
    }
    const sitemapsOf = (j: number): string[] =>
      Array.from({ length: BOARDS }, (_, i) =>
        processes === 1 ? `${boardUrl(i)}/sitemap.xml` : `${boardUrl(i)}/sitemaps/${j}.xml`
      )
    const t0 = performance.now()
    const runs = await Promise.all(
      Array.from({ length: processes }, (_, j) => runScrapyCrawl({ sitemaps: sitemapsOf(j + 1), settings }))
    )
    const wallSeconds = (performance.now() - t0) / 1000
    const row = rowFrom(
      processes === 1 ? 'Scrapy, 1 process' : `Scrapy, ${processes} processes`,
      (await boards.stats()).boards,
      wallSeconds
    )
    const listings = runs.reduce((sum, run) => sum + run.summary.listings, 0)
    const statuses = runs.map((run) => JSON.stringify(run.summary.statuses)).join(' ')
    console.error(`${row.who}: ${JSON.stringify(row)} (listings ${listings}, statuses ${statuses})`)
    return row
  } finally {
    await boards.process.kill()
  }
}

function table(rows: Row[]): string {
  const lines = [
    '| Crawler | pages served | pages/s | of allowed | 429s sent (boards) | shortest gap | most in flight | wall s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
  ]
  for (const r of rows)
    lines.push(
      `| ${r.who} | ${r.pages} | ${r.pagesPerSecond.toFixed(1)} | ${r.fraction.toFixed(2)} | ${r.refused} (${r.boardsRefusing}) | ${r.shortestGapMs === null ? '–' : `${Math.round(r.shortestGapMs)} ms`} | ${r.maxConcurrency} | ${r.wallSeconds.toFixed(1)} |`
    )
  return lines.join('\n')
}

async function main(): Promise<void> {
  console.log(`bench/politeness: ${machineLine()}`)
  console.log(
    `${BOARDS} boards × ${LISTINGS} listings, each ${LIMIT.maxInFlight} in flight / ${LIMIT.minGapMs} ms between starts, ${LATENCY_MS} ms a page; allowed aggregate ${ALLOWED_PAGES_PER_SECOND} pages/s`
  )
  const rows = [...(await ourFleet()), await scrapy(1)]
  for (const k of SCRAPY_PROCESSES) rows.push(await scrapy(k))
  console.log(table(rows))
  console.log(`after: ${machineLine()}`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
