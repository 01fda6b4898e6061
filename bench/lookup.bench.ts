/**
 * Lookup latency through the REST API: `npx tsx bench/lookup.bench.ts` (about 40 s;
 * BENCH_IDS sets how many listings, default 200). Against the real Elasticsearch on
 * the test infrastructure's Elasticsearch (test/infra.env) and a local job board on an ephemeral loopback port:
 *   1. uncached: each id once (cache miss → scrape the board's page → index → answer)
 *   2. cached: the same ids again (Elasticsearch hit)
 *   3. cached, 16 in flight: throughput
 * for two scrape paths: in-process (scrapeListing called by the API) and the real RPC
 * path (API → RabbitMQ → our RpcServer hosting the scraper service → board).
 * Each mode uses its own index, deleted afterwards. Bounded by count, not by time.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { startApi } from '../src/services/api/server'
import type { ApiOptions } from '../src/services/api/server'
import { startJobBoard } from '../src/services/jobboard/server'
import { silentLogger } from '../src/services/log'
import { RpcClient } from '../src/services/rpc/client'
import { RpcServer } from '../src/services/rpc/server'
import { createScraperService } from '../src/services/scraper/service'
import { scrapeListing } from '../src/services/scraper/scrape-listing'
import { TEST_AMQP_URI, deleteQueues } from '../test/support/nameko'
import { TEST_ES_URL } from '../test/support/test-endpoints'

const ES_URL = TEST_ES_URL
const IDS = Number(process.env['BENCH_IDS'] ?? 200)
const IN_FLIGHT = 16
const suffix = randomBytes(4).toString('hex')

interface Stats {
  n: number
  p50Ms: number
  p99Ms: number
  meanMs: number
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b)
  const pick = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length)
  return { n: sorted.length, p50Ms: round2(pick(0.5)), p99Ms: round2(pick(0.99)), meanMs: round2(mean) }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}

async function timedGet(url: string, expectSource: string): Promise<number> {
  const t0 = performance.now()
  const res = await fetch(url)
  await res.arrayBuffer()
  const ms = performance.now() - t0
  const source = res.headers.get('x-scrapedeck-source')
  if (res.status !== 200 || source !== expectSource) throw new Error(`${url}: status ${res.status}, source ${source}, wanted ${expectSource}`)
  return ms
}

async function measure(mode: string, ids: string[], options: Omit<ApiOptions, 'port' | 'index' | 'logger'>, print = true): Promise<void> {
  const index = `bench-lookup-${mode}-${suffix}`
  const api = await startApi({ ...options, port: 0, index, logger: silentLogger, elasticsearchUrl: ES_URL })
  try {
    const uncached: number[] = []
    for (const id of ids) uncached.push(await timedGet(`${api.url}/joblisting/${id}`, 'scrape'))
    const cached: number[] = []
    for (const id of ids) cached.push(await timedGet(`${api.url}/joblisting/${id}`, 'cache'))

    let next = 0
    const total = ids.length * 5
    const started = performance.now()
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < total) {
          const id = ids[next++ % ids.length]
          await timedGet(`${api.url}/joblisting/${id}`, 'cache')
        }
      })
    )
    const perSecond = Math.round((total / (performance.now() - started)) * 1000)
    if (print) console.log(JSON.stringify({ mode, uncached: stats(uncached), cached: stats(cached), cachedConcurrent: { inFlight: IN_FLIGHT, requests: total, perSecond } }))
  } finally {
    await api.listings.repository.deleteIndex()
    await api.close()
  }
}

async function main(): Promise<void> {
  const board = await startJobBoard({ port: 0, count: Math.max(300, IDS * 2), logger: silentLogger })
  const sourceUrlTemplate = `${board.url}/jobs/{id}`
  const ids = board.catalog.listings.filter((l) => l.status === 'active').slice(0, IDS).map((l) => l.id)
  if (ids.length < IDS) throw new Error(`The board has only ${ids.length} active listings`)
  try {
    // Warm-up (JIT, connections, Elasticsearch caches) on a throwaway index; not reported.
    await measure('warmup', ids.slice(0, 40), { scrape: (id) => scrapeListing(id, { sourceUrlTemplate }) }, false)
    await measure('in-process', ids, { scrape: (id) => scrapeListing(id, { sourceUrlTemplate }) })

    const serviceName = `bench_scraper_${suffix}`
    const server = new RpcServer(createScraperService({ serviceName, sourceUrlTemplate }), { amqpUri: TEST_AMQP_URI, logger: silentLogger })
    await server.start()
    const client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, logger: silentLogger })
    try {
      await measure('rpc', ids, { rpc: { client, service: serviceName, timeoutMs: 10_000 } })
    } finally {
      await client.close()
      await server.stop()
      await deleteQueues([`rpc-${serviceName}`])
    }
  } finally {
    await board.close()
  }
}

await main()
