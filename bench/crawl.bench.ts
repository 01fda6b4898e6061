/**
 * Crawl throughput against scraper replicas: `npx tsx bench/crawl.bench.ts` (about 4 minutes;
 * BENCH_SECONDS per measurement, default 15; after each replica change a warm-up of at least
 * BENCH_WARMUP_SECONDS (default 8) that goes on until two successive 4-s rates agree within
 * 10 % (at most BENCH_WARMUP_MAX_SECONDS, default 40): a new replica's parse threads load
 * cheerio under tsx first, and its first seconds are slow; BENCH_LATENCY_MS, default 200;
 * BENCH_ROUNDS palindromes, default 1; BENCH_PREFETCH sets the scrapers' SCRAPER_PREFETCH,
 * default theirs).
 * Real processes on loopback (test/support/crawl-stack.ts): the job board in-process at a
 * fixed latency per page, the API process with its crawl coordinator, N scraper processes
 * (src/services/scraper/main.ts, SCRAPER_MAX_WORKERS 10 as in the stack), on the shared
 * RabbitMQ and Elasticsearch. The replica count walks 1 → 4 → 1 (a palindrome), so every n
 * below 4 is measured once on the way up and once on the way down and a drift of the
 * machine's load cancels out of its mean. Each measurement skips a warm-up after the change,
 * then counts ids finished in the ledger (done + failed + skipped, from GET /crawls) over
 * BENCH_SECONDS. Beside the rate it prints what bounds it: requests open at the board (mean;
 * the ideal is n × 10), requests unacked at the broker (the replicas' prefetch, full when no
 * replica waits for work) and each worker's time per listing (n × 10 ÷ rate, against the
 * board's latency). Crawls of the same ids (refresh) are added whenever the backlog runs low, so
 * the scrapers never wait for work. Efficiency = rate(n) ÷ (n × rate(1)).
 * The 10,000-id crawl (time, peak queue depth, coordinator and panel memory) runs in the real
 * stack, with the panel's web shell watching: bench/footprint.bench.ts.
 */
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { managementGet } from '../src/main/broker/management-api'
import { CrawlClient } from '../src/main/clients/crawl-client'
import { rpcQueueName } from '../src/shared/rpc-names'
import {
  cleanUpStack,
  startApiProcess,
  startScraper,
  startTestBoard,
  uniqueStackNames,
  waitUntil
} from '../test/support/crawl-stack'
import type { CrawlStackNames, ServiceProcess, TestBoard } from '../test/support/crawl-stack'
import { TEST_MANAGEMENT_URL } from '../test/support/test-endpoints'
import { machineLine } from './support/machine'
import { processCpuSeconds } from './support/process-cpu'

const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 200)
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15)
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 8)
const WARMUP_MAX_SECONDS = Number(process.env['BENCH_WARMUP_MAX_SECONDS'] ?? 40)
/** The warm-up's rate windows, and how closely two successive ones must agree. */
const SETTLE_WINDOW_SECONDS = 4
const SETTLE_TOLERANCE = 0.1
const PREFETCH = process.env['BENCH_PREFETCH']
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
  /** Mean requests open at the board, and unacked at the broker, during the measurement. */
  openAtBoard: number
  unackedAtBroker: number
  warmupSeconds: number
  load1: number
  /** CPU used during the measurement, in cores (1.0 = one core busy): API + coordinator, all scrapers, this process (the board). */
  cpu: { api: number; scrapers: number; board: number }
}

function cpuNow(): { api: number; scrapers: number; board: number } {
  const own = process.cpuUsage()
  return {
    api: processCpuSeconds(api?.child.pid),
    scrapers: scrapers.reduce((sum, s) => sum + processCpuSeconds(s.child.pid), 0),
    board: (own.user + own.system) / 1e6
  }
}

const names: CrawlStackNames = uniqueStackNames('bench')
/** The test broker's management API (scripts/infra.sh: guest on loopback). */
const MANAGEMENT = { url: TEST_MANAGEMENT_URL, username: 'guest', password: 'guest' }
let board: TestBoard | null = null
/** Requests the board has taken and not yet answered. */
let openAtBoard = 0
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
      if (backlog < LOW_BACKLOG)
        await client.start({ source: { kind: 'ids', text }, refresh: true, maxAttempts: 3, name: 'bench' })
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

/** Ids finished per second over the next `seconds`. */
async function rateOver(client: CrawlClient, seconds: number): Promise<number> {
  const before = await ledgerTotals(client)
  const t0 = performance.now()
  await sleep(seconds * 1000)
  return ((await ledgerTotals(client)).finished - before.finished) / ((performance.now() - t0) / 1000)
}

/** Waits at least WARMUP_SECONDS, then until two successive windows' rates agree (or WARMUP_MAX_SECONDS); returns the seconds waited. */
async function settle(client: CrawlClient): Promise<number> {
  const t0 = performance.now()
  await sleep(WARMUP_SECONDS * 1000)
  let last = await rateOver(client, SETTLE_WINDOW_SECONDS)
  while ((performance.now() - t0) / 1000 < WARMUP_MAX_SECONDS) {
    const next = await rateOver(client, SETTLE_WINDOW_SECONDS)
    if (Math.abs(next - last) <= SETTLE_TOLERANCE * Math.max(last, next)) break
    last = next
  }
  return (performance.now() - t0) / 1000
}

/** Unacked requests on the scraper queue (the management API refreshes it every 5 s). */
async function unackedAtBroker(): Promise<number> {
  const queue = await managementGet<{ messages_unacknowledged?: number }>(
    MANAGEMENT,
    `/api/queues/%2F/${encodeURIComponent(rpcQueueName(names.service))}?columns=messages_unacknowledged`
  )
  return queue.messages_unacknowledged ?? 0
}

/** Samples the board's open requests every 100 ms and the broker's unacked every 2 s until stopped. */
function sampleInFlight(): { stop: () => Promise<{ openAtBoard: number; unackedAtBroker: number }> } {
  const open: number[] = []
  const unacked: number[] = []
  const boardTimer = setInterval(() => open.push(openAtBoard), 100)
  const brokerTimer = setInterval(
    () =>
      void unackedAtBroker().then(
        (n) => unacked.push(n),
        () => {}
      ),
    2000
  )
  return {
    stop: async () => {
      clearInterval(boardTimer)
      clearInterval(brokerTimer)
      if (unacked.length === 0) unacked.push(await unackedAtBroker())
      return { openAtBoard: mean(open), unackedAtBroker: mean(unacked) }
    }
  }
}

async function measure(client: CrawlClient, replicas: number): Promise<Measurement> {
  const warmupSeconds = await settle(client)
  const before = await ledgerTotals(client)
  const hitsBefore = board!.hits.length
  const cpuBefore = cpuNow()
  const sampling = sampleInFlight()
  const t0 = performance.now()
  await sleep(SECONDS * 1000)
  const after = await ledgerTotals(client)
  const seconds = (performance.now() - t0) / 1000
  const cpuAfter = cpuNow()
  const inFlight = await sampling.stop()
  return {
    ...inFlight,
    warmupSeconds,
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
  const env = { SCRAPER_MAX_WORKERS: MAX_WORKERS, ...(PREFETCH === undefined ? {} : { SCRAPER_PREFETCH: PREFETCH }) }
  while (scrapers.length < target) scrapers.push(await startScraper(names, board!, `bench-${scrapers.length + 1}`, env))
  while (scrapers.length > target) await scrapers.pop()!.kill('SIGTERM')
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}

/** Each worker's time per listing: n × workers ÷ rate (the board's latency is the floor). */
function msPerListing(m: Measurement): number {
  return (m.replicas * Number(MAX_WORKERS) * 1000) / m.rate
}

async function main(): Promise<void> {
  console.log(`crawl bench ${new Date().toISOString()} · ${machineLine()}`)
  console.log(
    `board ${BOARD_COUNT} listings at ${LATENCY_MS} ms a page; SCRAPER_MAX_WORKERS ${MAX_WORKERS}, SCRAPER_PREFETCH ${PREFETCH ?? "the scraper's default"}; ` +
      `${SECONDS} s per measurement after a warm-up of ${WARMUP_SECONDS}–${WARMUP_MAX_SECONDS} s (until two ${SETTLE_WINDOW_SECONDS}-s rates agree within ${SETTLE_TOLERANCE * 100} %)`
  )

  board = await startTestBoard({ count: BOARD_COUNT, latency: { minMs: LATENCY_MS, maxMs: LATENCY_MS } })
  board.board.server.on('request', (_request, response) => {
    openAtBoard += 1
    response.once('close', () => (openAtBoard -= 1))
  })
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
    await waitUntil(
      async () => (await ledgerTotals(client)).backlog >= LOW_BACKLOG,
      120_000,
      'the first crawls to be in the ledger',
      1000
    )
    for (const n of plan) {
      await setReplicas(n)
      const m = await measure(client, n)
      measurements.push(m)
      console.log(
        `  ${n} replica(s): ${m.rate.toFixed(1)} listings/s after ${m.warmupSeconds.toFixed(0)} s warm-up (board ${m.boardPagesPerSecond.toFixed(1)} pages/s, ` +
          `open at the board ${m.openAtBoard.toFixed(1)} of ${n * Number(MAX_WORKERS)}, unacked at the broker ${m.unackedAtBroker.toFixed(0)}, ` +
          `${msPerListing(m).toFixed(0)} ms a listing a worker; load ${m.load1.toFixed(2)}; CPU cores: api ${m.cpu.api.toFixed(2)}, scrapers ${m.cpu.scrapers.toFixed(2)}, board ${m.cpu.board.toFixed(2)})`
      )
    }
  } finally {
    await feeder.stop()
  }

  const rateAt = (n: number): number => mean(measurements.filter((m) => m.replicas === n).map((m) => m.rate))
  const one = rateAt(1)
  console.log('')
  console.log(
    '| replicas | listings/s (mean) | raw measurements | ideal n × 10 / latency | efficiency rate(n) ÷ (n × rate(1)) | open at the board (of n × 10) | ms a listing a worker |'
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- |')
  for (let n = 1; n <= MAX_REPLICAS; n++) {
    const at = measurements.filter((m) => m.replicas === n)
    const raw = at.map((m) => m.rate.toFixed(1)).join(', ')
    const ideal = (n * Number(MAX_WORKERS) * 1000) / LATENCY_MS
    const open = at.map((m) => m.openAtBoard.toFixed(1)).join(', ')
    const ms = at.map((m) => msPerListing(m).toFixed(0)).join(', ')
    console.log(
      `| ${n} | ${rateAt(n).toFixed(1)} | ${raw} | ${ideal.toFixed(0)} | ${(rateAt(n) / (n * one)).toFixed(3)} | ${open} | ${ms} |`
    )
  }
  console.log(`efficiency at 3 replicas: ${(rateAt(3) / (3 * one)).toFixed(3)} (target ≥ 0.93)`)
  console.log(
    `\nended ${new Date().toISOString()} · load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`
  )
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
