/**
 * Cached lookups under load: `npx tsx bench/lookup.bench.ts` (about 2 min; BENCH_IDS cached
 * ids, default 300; BENCH_SECONDS per slice, default 3; BENCH_SLICES, default 5;
 * BENCH_CONNECTIONS, default 32;
 * BENCH_PORT_BASE, default 27010). autocannon drives GET /joblisting/:id over the ids in turn,
 * on loopback, against:
 *   - ours: the API service process (src/services/api/main.ts, as the stack runs it, request
 *     log on, to a file), Elasticsearch hit
 *   - the floor: Elasticsearch's own GET /<index>/_source/<id> on the same index
 *   - a bare Node hop (bench/peers/node_hop.mjs): what any service between the two can reach
 *   - the original design: Flask + flask-restful (bench/peers/flask_api.py: exists + get, a
 *     Nameko call on a miss), as written (Flask's own server) and tuned (gunicorn, 2 gthread workers)
 * The targets take turns in slices; p50/p99 are the medians of the slices' own. The cache is
 * filled first through our API (scraper over RPC). BENCH_PROFILE=DIR runs our API with
 * `--cpu-prof` into DIR. Exits non-zero when a target answers anything but 200.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, openSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { TEST_AMQP_URI } from '../test/support/nameko'
import { TEST_ES_URL } from '../test/support/test-endpoints'
import { cleanUpStack, startScraper, startTestBoard, uniqueStackNames, waitUntil } from '../test/support/crawl-stack'
import type { ServiceProcess, TestBoard } from '../test/support/crawl-stack'
import { PEERS_DIR, benchVenvBin } from './support/python-peers'
import { machineLine } from './support/machine'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const IDS = Number(process.env['BENCH_IDS'] ?? 300)
const SLICE_S = Number(process.env['BENCH_SECONDS'] ?? 3)
const SLICES = Number(process.env['BENCH_SLICES'] ?? 5)
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32)
const PROFILE_DIR = process.env['BENCH_PROFILE']
/** Ours, Flask as written, Flask tuned, the bare Node hop: four ports from BENCH_PORT_BASE (default 27010), so two people can run it at once. */
const PORT_BASE = Number(process.env['BENCH_PORT_BASE'] ?? 27010)
const PORTS = { ours: PORT_BASE, flask: PORT_BASE + 1, gunicorn: PORT_BASE + 2, hop: PORT_BASE + 3 }

interface Target {
  name: string
  /** Werkzeug closes every connection after its answer; autocannon then stalls each connection, so these get a loop of fresh connections. */
  closesConnections?: boolean
  /** Path of the id's lookup on this target. */
  path: (id: string) => string
  base: string
}

interface SliceResult {
  requests: number
  seconds: number
  p50: number
  p99: number
}

interface Proc {
  child: ChildProcess
  stop: () => Promise<void>
}

function startProcess(command: string, args: string[], env: Record<string, string>, cwd: string, log: string): Proc {
  const out = openSync(log, 'a')
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
}

async function waitForOk(url: string, what: string): Promise<void> {
  await waitUntil(async () => (await fetch(url)).ok, 60_000, what, 200)
}

async function load(target: Target, ids: readonly string[], seconds: number): Promise<SliceResult> {
  if (target.closesConnections === true) return loadFreshConnections(target, ids, seconds)
  let next = 0
  const result = await autocannon({
    url: target.base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: target.path(ids[next++ % ids.length] as string) })
      }
    ]
  })
  const bad = result.non2xx + result.errors + result.timeouts
  if (bad > 0)
    throw new Error(
      `${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts of ${result.requests.total}`
    )
  return { requests: result.requests.total, seconds: result.duration, p50: result.latency.p50, p99: result.latency.p99 }
}

/** CONNECTIONS loops of one request per new connection, as a client of a server that closes each one sees it. */
async function loadFreshConnections(target: Target, ids: readonly string[], seconds: number): Promise<SliceResult> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  const deadline = started + seconds * 1000
  const one = (path: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now()
      const req = httpGet(`${target.base}${path}`, { agent: false }, (res) => {
        res.resume()
        res.once('end', () =>
          res.statusCode === 200
            ? resolve(performance.now() - t0)
            : reject(new Error(`${target.name}: ${path} answered ${res.statusCode}`))
        )
      })
      req.once('error', reject)
    })
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) latencies.push(await one(target.path(ids[next++ % ids.length] as string)))
    })
  )
  latencies.sort((a, b) => a - b)
  const pick = (q: number): number =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN)
  return { requests: latencies.length, seconds: (performance.now() - started) / 1000, p50: pick(0.5), p99: pick(0.99) }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString()
  const machine = machineLine()
  const bin = benchVenvBin()
  const names = uniqueStackNames('bench-lookup')
  const logDir = mkdtempSync(join(tmpdir(), 'bench-lookup-'))
  const procs: Proc[] = []
  let board: TestBoard | undefined
  let scraper: ServiceProcess | undefined
  try {
    board = await startTestBoard({ count: IDS * 2 + 100 })
    const ids = board.activeIds.slice(0, IDS)
    if (ids.length < IDS) throw new Error(`The board has only ${ids.length} active listings`)
    scraper = await startScraper(names, board, 'bench-1')
    const apiEnv = {
      PORT: String(PORTS.ours),
      HOST: '127.0.0.1',
      AMQP_URI: TEST_AMQP_URI,
      ELASTICSEARCH_URL: TEST_ES_URL,
      ELASTICSEARCH_INDEX: names.listingsIndex,
      SCRAPER_SERVICE_NAME: names.service,
      CRAWL_BOARD_SITEMAP_URL: `${board.board.url}/sitemap.xml`,
      CRAWL_INDEX_PREFIX: names.prefix
    }
    const profileArgs = PROFILE_DIR !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []
    const api = startProcess(
      process.execPath,
      [...profileArgs, '--import', 'tsx', 'src/services/api/main.ts'],
      apiEnv,
      ROOT,
      join(logDir, 'api.log')
    )
    procs.push(api)
    const peerEnv = {
      ELASTICSEARCH_URL: TEST_ES_URL,
      ELASTICSEARCH_INDEX: names.listingsIndex,
      AMQP_URI: TEST_AMQP_URI,
      SCRAPER_SERVICE_NAME: names.service
    }
    procs.push(
      startProcess(
        `${bin}/python`,
        ['flask_api.py'],
        { ...peerEnv, PORT: String(PORTS.flask) },
        PEERS_DIR,
        join(logDir, 'flask.log')
      )
    )
    procs.push(
      startProcess(
        `${bin}/gunicorn`,
        ['-w', '2', '-k', 'gthread', '--threads', '8', '-b', `127.0.0.1:${PORTS.gunicorn}`, 'flask_api:app'],
        peerEnv,
        PEERS_DIR,
        join(logDir, 'gunicorn.log')
      )
    )
    procs.push(
      startProcess(
        process.execPath,
        ['node_hop.mjs'],
        { ...peerEnv, PORT: String(PORTS.hop) },
        PEERS_DIR,
        join(logDir, 'hop.log')
      )
    )
    await waitForOk(`http://127.0.0.1:${PORTS.ours}/health`, 'our API')

    // Fill the cache through our API: a miss scrapes over RPC and indexes.
    for (const id of ids) {
      const res = await fetch(`http://127.0.0.1:${PORTS.ours}/joblisting/${id}`)
      if (res.status !== 200) throw new Error(`filling the cache: ${id} answered ${res.status}: ${await res.text()}`)
      await res.arrayBuffer()
    }
    await fetch(`${TEST_ES_URL}/${names.listingsIndex}/_refresh`, { method: 'POST' })
    const first = ids[0] as string
    await waitForOk(`http://127.0.0.1:${PORTS.flask}/joblisting/${first}`, 'the Flask peer')
    await waitForOk(`http://127.0.0.1:${PORTS.gunicorn}/joblisting/${first}`, 'the gunicorn peer')
    await waitForOk(`http://127.0.0.1:${PORTS.hop}/joblisting/${first}`, 'the bare Node hop')
    const cachedSource = (await fetch(`http://127.0.0.1:${PORTS.ours}/joblisting/${first}`)).headers.get(
      'x-scrapedeck-source'
    )
    if (cachedSource !== 'cache') throw new Error(`our API answered a filled id from ${cachedSource}, not the cache`)

    const targets: Target[] = [
      {
        name: 'ours: GET /joblisting/:id (API process)',
        base: `http://127.0.0.1:${PORTS.ours}`,
        path: (id) => `/joblisting/${id}`
      },
      {
        name: 'floor: Elasticsearch GET /<index>/_source/<id>',
        base: TEST_ES_URL,
        path: (id) => `/${names.listingsIndex}/_source/${id}`
      },
      {
        name: 'bare Node hop: http → ES _source, bytes passed through (bench/peers/node_hop.mjs)',
        base: `http://127.0.0.1:${PORTS.hop}`,
        path: (id) => `/joblisting/${id}`
      },
      {
        name: 'Flask + flask-restful as written (Flask server, a new connection per request)',
        closesConnections: true,
        base: `http://127.0.0.1:${PORTS.flask}`,
        path: (id) => `/joblisting/${id}`
      },
      {
        name: 'Flask + flask-restful tuned (gunicorn 2 × 8 threads)',
        base: `http://127.0.0.1:${PORTS.gunicorn}`,
        path: (id) => `/joblisting/${id}`
      }
    ]
    for (const target of targets) await load(target, ids, 1) // warm-up: JIT, connections, ES caches
    const slices = targets.map((): SliceResult[] => [])
    for (let s = 0; s < SLICES; s++) {
      for (const [i, target] of targets.entries()) slices[i]?.push(await load(target, ids, SLICE_S))
    }
    const rows = targets.map((target, i) => {
      const list = slices[i] as SliceResult[]
      const requests = list.reduce((sum, r) => sum + r.requests, 0)
      const seconds = list.reduce((sum, r) => sum + r.seconds, 0)
      return {
        name: target.name,
        perSecond: Math.round(requests / seconds),
        p50: median(list.map((r) => r.p50)),
        p99: median(list.map((r) => r.p99)),
        requests,
        slices: list
      }
    })
    const [ours, floor, hop, flask, tuned] = rows as [
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0]
    ]
    console.log(`\nlookup bench ${startedAt}; ${machine} (at the start)`)
    console.log(
      `command: npx tsx bench/lookup.bench.ts (BENCH_IDS=${IDS}, ${SLICES} slices × ${SLICE_S} s per target, ${CONNECTIONS} connections, autocannon)`
    )
    console.log('| target | req/s | p50 ms | p99 ms | requests | ours ÷ this (req/s) |')
    console.log('|---|---|---|---|---|---|')
    for (const r of rows)
      console.log(
        `| ${r.name} | ${r.perSecond} | ${r.p50} | ${r.p99} | ${r.requests} | ${(ours.perSecond / r.perSecond).toFixed(2)} |`
      )
    console.log(`raw slices: ${JSON.stringify(rows.map((r) => ({ name: r.name, slices: r.slices })))}`)
    console.log(
      `ratios: ours ÷ Flask as written ${(ours.perSecond / flask.perSecond).toFixed(1)} (target ≥ 10), ours ÷ Flask tuned ${(ours.perSecond / tuned.perSecond).toFixed(1)}, ` +
        `ours ÷ floor ${(ours.perSecond / floor.perSecond).toFixed(2)} (target ≥ 0.5), bare Node hop ÷ floor ${(hop.perSecond / floor.perSecond).toFixed(2)}, ours ÷ bare Node hop ${(ours.perSecond / hop.perSecond).toFixed(2)}; load average now ${machineLine().split('load average ')[1]}`
    )
  } finally {
    for (const proc of procs) await proc.stop()
    await scraper?.kill()
    await board?.board.close()
    await cleanUpStack(names)
  }
}

await main()
