/**
 * Crawl throughput against scraper replicas: `npx tsx bench/crawl.bench.ts` (about 3 minutes;
 * BENCH_SECONDS per measurement, default 12; BENCH_WARMUP_SECONDS after each replica change,
 * default 6; BENCH_LATENCY_MS, default 200; BENCH_ROUNDS palindromes, default 1).
 * Real processes on loopback (test/support/crawl-stack.ts): the job board in-process at a
 * fixed latency per page, the API process with its crawl coordinator, N scraper processes
 * (src/services/scraper/main.ts, SCRAPER_MAX_WORKERS 10 as in the stack), on the shared
 * RabbitMQ and Elasticsearch. The replica count walks 1 → 4 → 1 (a palindrome), so every n
 * below 4 is measured once on the way up and once on the way down and a drift of the
 * machine's load cancels out of its mean. Each measurement skips a warm-up after the change,
 * then counts ids finished in the ledger (done + failed + skipped, from GET /crawls) over
 * BENCH_SECONDS. Crawls of the same ids (refresh) are added whenever the backlog runs low, so
 * the scrapers never wait for work. Efficiency = rate(n) ÷ (n × rate(1)).
 * The 10,000-id crawl (time, peak queue depth, coordinator and panel memory) runs in the real
 * stack, with the panel's web shell watching: bench/footprint.bench.ts.
 */
import { readFileSync } from 'node:fs'
import { loadavg, cpus, totalmem } from 'node:os'
import { performance } from 'node:perf_hooks'
import { CrawlClient } from '../src/services/crawler/crawl-client'
import { cleanUpStack, startApiProcess, startScraper, startTestBoard, uniqueStackNames, waitUntil } from '../test/support/crawl-stack'
import type { CrawlStackNames, ServiceProcess, TestBoard } from '../test/support/crawl-stack'

const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 200)
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 12)
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 6)
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 1)
const MAX_REPLICAS = 4
/** As compose.yaml's scraper (the scraper's default). */
const MAX_WORKERS = '10'
const BOARD_COUNT = 5000
/** Below this many ids queued or scraping across the bench's crawls, another crawl is started. */
const LOW_BACKLOG = 6000

interface Measurement {
  replicas: number
  rate: number
  boardPagesPerSecond: number
  load1: number
  /** CPU used during the measurement, in cores (1.0 = one core busy): API + coordinator, all scrapers, this process (the board). */
  cpu: { api: number; scrapers: number; board: number }
}

/** User + system CPU seconds of a child process so far, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

function cpuNow(): { api: number; scrapers: number; board: number } {
  const own = process.cpuUsage()
  return {
    api: cpuSeconds(api?.child.pid),
    scrapers: scrapers.reduce((sum, s) => sum + cpuSeconds(s.child.pid), 0),
    board: (own.user + own.system) / 1e6
  }
}

const names: CrawlStackNames = uniqueStackNames('bench')
let board: TestBoard | null = null
let api: ServiceProcess | null = null
const scrapers: ServiceProcess[] = []

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Finished (done + failed + skipped) and still to do (queued + scraping) over the bench's crawls. */
async function ledgerTotals(client: CrawlClient): Promise<{ finished: number; backlog: number }> {
  const { crawls } = await client.list()
  let finished = 0
  let backlog = 0
  for (const c of crawls) {
    finished += c.done + c.failed + c.skipped
    backlog += c.queued + c.scraping
  }
  return { finished, backlog }
}

/** Keeps the backlog above LOW_BACKLOG until stopped: a new crawl of every id when it runs low. */
function feedCrawls(client: CrawlClient, text: string): { stop: () => Promise<void> } {
  let running = true
  const loop = (async () => {
    while (running) {
      const { backlog } = await ledgerTotals(client)
      if (backlog < LOW_BACKLOG) await client.start({ source: { kind: 'ids', text }, refresh: true, maxAttempts: 3, name: 'bench' })
      await sleep(1000)
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
    }
  }
}

async function measure(client: CrawlClient, replicas: number): Promise<Measurement> {
  await sleep(WARMUP_SECONDS * 1000)
  const before = await ledgerTotals(client)
  const hitsBefore = board!.hits.length
  const cpuBefore = cpuNow()
  const t0 = performance.now()
  await sleep(SECONDS * 1000)
  const after = await ledgerTotals(client)
  const seconds = (performance.now() - t0) / 1000
  const cpuAfter = cpuNow()
  return {
    cpu: {
      api: (cpuAfter.api - cpuBefore.api) / seconds,
      scrapers: (cpuAfter.scrapers - cpuBefore.scrapers) / seconds,
      board: (cpuAfter.board - cpuBefore.board) / seconds
    },
    replicas,
    rate: (after.finished - before.finished) / seconds,
    boardPagesPerSecond: (board!.hits.length - hitsBefore) / seconds,
    load1: loadavg()[0]!
  }
}

async function setReplicas(target: number): Promise<void> {
  while (scrapers.length < target) scrapers.push(await startScraper(names, board!, `bench-${scrapers.length + 1}`, { SCRAPER_MAX_WORKERS: MAX_WORKERS }))
  while (scrapers.length > target) await scrapers.pop()!.kill('SIGTERM')
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}

async function main(): Promise<void> {
  const started = new Date()
  const load = loadavg().map((l) => l.toFixed(2)).join(' ')
  console.log(`crawl bench ${started.toISOString()} · ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${load}`)
  console.log(`board ${BOARD_COUNT} listings at ${LATENCY_MS} ms a page; SCRAPER_MAX_WORKERS ${MAX_WORKERS}; ${SECONDS} s per measurement after ${WARMUP_SECONDS} s warm-up`)

  board = await startTestBoard({ count: BOARD_COUNT, latency: { minMs: LATENCY_MS, maxMs: LATENCY_MS } })
  const apiProcess = await startApiProcess(names, board)
  api = apiProcess.api
  const client = new CrawlClient({ baseUrl: apiProcess.url, timeoutMs: 30_000 })
  const ids = board.board.catalog.listings.map((l) => l.id).join('\n')

  const plan: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    for (let n = 1; n <= MAX_REPLICAS; n++) plan.push(n)
    for (let n = MAX_REPLICAS - 1; n >= 1; n--) plan.push(n)
  }
  await setReplicas(1)
  const feeder = feedCrawls(client, ids)
  const measurements: Measurement[] = []
  try {
    // The first crawls' ids are written to the ledger and published before anything is
    // measured: that start-up work would otherwise count against the first n = 1.
    await waitUntil(async () => (await ledgerTotals(client)).backlog >= LOW_BACKLOG, 120_000, 'the first crawls to be in the ledger', 1000)
    for (const n of plan) {
      await setReplicas(n)
      const m = await measure(client, n)
      measurements.push(m)
      console.log(`  ${n} replica(s): ${m.rate.toFixed(1)} listings/s (board ${m.boardPagesPerSecond.toFixed(1)} pages/s, load ${m.load1.toFixed(2)}; CPU cores: api ${m.cpu.api.toFixed(2)}, scrapers ${m.cpu.scrapers.toFixed(2)}, board ${m.cpu.board.toFixed(2)})`)
    }
  } finally {
    await feeder.stop()
  }

  const rateAt = (n: number): number => mean(measurements.filter((m) => m.replicas === n).map((m) => m.rate))
  const one = rateAt(1)
  console.log('')
  console.log('| replicas | listings/s (mean) | raw measurements | ideal n × 10 / latency | efficiency rate(n) ÷ (n × rate(1)) |')
  console.log('| --- | --- | --- | --- | --- |')
  for (let n = 1; n <= MAX_REPLICAS; n++) {
    const raw = measurements.filter((m) => m.replicas === n).map((m) => m.rate.toFixed(1)).join(', ')
    const ideal = (n * Number(MAX_WORKERS) * 1000) / LATENCY_MS
    console.log(`| ${n} | ${rateAt(n).toFixed(1)} | ${raw} | ${ideal.toFixed(0)} | ${(rateAt(n) / (n * one)).toFixed(3)} |`)
  }
  console.log(`efficiency at 3 replicas: ${(rateAt(3) / (3 * one)).toFixed(3)} (target ≥ 0.93)`)
  console.log(`\nended ${new Date().toISOString()} · load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
}

async function cleanUp(): Promise<void> {
  for (const s of scrapers.splice(0)) await s.kill('SIGTERM')
  await api?.kill('SIGTERM')
  await board?.board.close()
  await cleanUpStack(names).catch((err: unknown) => console.error(`clean-up: ${(err as Error).message}`))
}

main()
  .then(cleanUp)
  .catch(async (err: unknown) => {
    console.error(`crawl bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    await cleanUp().catch(() => undefined)
    process.exit(1)
  })
