/**
 * What a crawled listing costs: `npx tsx bench/crawl-cost.bench.ts` (npm run bench:crawl-cost;
 * a few minutes, most of it Elasticsearch starting). Our stack and Scrapy crawl the same board
 * in one run, each its whole sitemap (BENCH_LISTINGS urls, default 2000, at BENCH_LATENCY_MS a
 * page, default 200) with the same requests in flight (BENCH_REPLICAS scrapers × 10 workers,
 * default 3, against Scrapy's CONCURRENT_REQUESTS = CONCURRENT_REQUESTS_PER_DOMAIN = 30,
 * DOWNLOAD_DELAY 0), BENCH_ROUNDS times (default 1), and it prints side by side:
 * - wall time, from the crawl's start to its last item settled (ours: POST /crawls to the crawl
 *   `done`; Scrapy: the process's start to its exit), and the latency floor (urls × latency ÷ in flight);
 * - CPU per 1,000 urls crawled, whole stack, with the per-service breakdown: Elasticsearch and
 *   RabbitMQ are containers of the bench's own (their cgroup CPU from the engine), the API with
 *   its crawl coordinator and the scrapers are processes (their /proc CPU), as in bench/crawl;
 *   the board runs in this process and is left out on both sides;
 * - Elasticsearch operations per url, by type, from `_nodes/stats` before and after the crawl
 *   (nothing else uses that node): documents indexed (index, create, update alike), gets
 *   (get, mget documents, and the read inside each update), search queries, refreshes, and bulk
 *   requests; Elasticsearch CPU per url, the time it spent indexing into the ledger and into
 *   the listings cache, and what its idle CPU rate (measured for IDLE_SECONDS before the stack
 *   starts, and with the stack up IDLE_SETTLE_SECONDS after the warm-up, with the searches a
 *   second the idle stack makes) adds over the crawl's wall time, and how much of its CPU its
 *   JVM's JIT compiler and garbage collector threads took (/proc);
 *   BENCH_HOT_THREADS=<file> saves its hot threads 5 s into the crawl;
 * - the ratios of ours to Scrapy's.
 * Our stack is warmed up first by a crawl of BENCH_WARMUP ids (default 200; their listings are
 * then removed from the cache and the listing registry is dropped, so the measured crawl is a
 * first crawl that fetches every page whole, as every round's is): a long-lived stack's
 * workers have loaded their parser by the time a user crawls. Scrapy runs cold, start-up
 * included, as a user runs it. Images: ELASTICSEARCH_IMAGE and RABBITMQ_IMAGE (default the
 * offline ones, scrapedeck/…; `npm run stack:images`).
 */
import { writeFileSync } from 'node:fs'
import { CrawlClient } from '../src/main/clients/crawl-client'
import { startJobBoard } from '../src/services/jobboard/server'
import type { RunningJobBoard } from '../src/services/jobboard/server'
import { startApiProcess, startScraper, uniqueStackNames } from '../test/support/crawl-stack'
import type { ServiceProcess } from '../test/support/crawl-stack'
import { startBenchElasticsearch, startBenchRabbitMq } from './support/bench-containers'
import type { BenchElasticsearch, BenchRabbitMq } from './support/bench-containers'
import { machineLine } from './support/machine'
import { processCpuSeconds } from './support/process-cpu'
import { runScrapyCrawl } from './support/scrapy-peer'
import { registryIndex } from '../src/services/crawler/changes/listing-registry'

const LISTINGS = Number(process.env['BENCH_LISTINGS'] ?? 2000)
const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 200)
const REPLICAS = Number(process.env['BENCH_REPLICAS'] ?? 3)
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 1)
const WARMUP_IDS = Number(process.env['BENCH_WARMUP'] ?? 200)
const IDLE_SECONDS = 10
const IDLE_SETTLE_SECONDS = 20
const HOT_THREADS_FILE = process.env['BENCH_HOT_THREADS']
/** As compose.yaml's scraper. */
const WORKERS_PER_REPLICA = 10
const ES_IMAGE = process.env['ELASTICSEARCH_IMAGE'] ?? 'scrapedeck/elasticsearch:8.19.20'
const RABBITMQ_IMAGE = process.env['RABBITMQ_IMAGE'] ?? 'scrapedeck/rabbitmq:3-management'

/** Elasticsearch's own counters that a crawl moves. */
type EsCounters = {
  indexed: number
  gets: number
  searches: number
  refreshes: number
  bulkRequests: number
  /** Milliseconds Elasticsearch spent indexing, in the ledger's indices and in the listings cache. */
  ledgerIndexMs: number
  listingsIndexMs: number
  /** CPU seconds of its JVM's JIT compiler threads and garbage collector threads. */
  jitSeconds: number
  gcSeconds: number
}

interface SideResult {
  wallSeconds: number
  urls: number
  /** CPU seconds by service. */
  cpu: Record<string, number>
  es?: EsCounters
}

/** The node's totals (primaries and replicas alike: the ledger has no replicas), and indexing time by index. */
async function esCounters(es: BenchElasticsearch, listingsIndex: string): Promise<EsCounters> {
  const res = await fetch(`${es.url}/_nodes/_local/stats/indices?filter_path=nodes.*.indices`)
  const body = (await res.json()) as { nodes: Record<string, { indices: Record<string, Record<string, number>> }> }
  const indices = Object.values(body.nodes)[0]!.indices
  const byIndex = (await (
    await fetch(`${es.url}/_stats/indexing?filter_path=indices.*.total.indexing.index_time_in_millis`)
  ).json()) as {
    indices?: Record<string, { total: { indexing: { index_time_in_millis: number } } }>
  }
  let ledgerIndexMs = 0
  let listingsIndexMs = 0
  for (const [name, stats] of Object.entries(byIndex.indices ?? {})) {
    if (name === listingsIndex) listingsIndexMs += stats.total.indexing.index_time_in_millis
    else ledgerIndexMs += stats.total.indexing.index_time_in_millis
  }
  const jvm = await es.jvmCpu()
  return {
    indexed: indices['indexing']!['index_total']!,
    gets: indices['get']!['total']!,
    searches: indices['search']!['query_total']!,
    refreshes: indices['refresh']!['total']!,
    bulkRequests: indices['bulk']?.['total_operations'] ?? 0,
    ledgerIndexMs,
    listingsIndexMs,
    jitSeconds: jvm.jit,
    gcSeconds: jvm.gc
  }
}

function diff<T extends Record<string, number>>(after: T, before: T): T {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)])) as T
}

interface Stack {
  es: BenchElasticsearch
  rabbit: BenchRabbitMq
  api: ServiceProcess
  scrapers: ServiceProcess[]
  client: CrawlClient
  listingsIndex: string
  registryIndex: string
}

async function stackCpu(stack: Stack): Promise<Record<string, number>> {
  const [es, rabbit] = await Promise.all([stack.es.cpuSeconds(), stack.rabbit.cpuSeconds()])
  return {
    elasticsearch: es,
    scrapers: stack.scrapers.reduce((sum, s) => sum + processCpuSeconds(s.child.pid), 0),
    api: processCpuSeconds(stack.api.child.pid),
    rabbitmq: rabbit
  }
}

/**
 * Polls the crawl's detail once a second, as the panel does while a crawl is shown; returns
 * the seconds from its creation to its end as the ledger has them.
 */
async function waitForCrawl(client: CrawlClient, id: string): Promise<number> {
  for (;;) {
    const crawl = await client.get(id)
    if (crawl.state === 'done' && crawl.finishedAt !== null)
      return (Date.parse(crawl.finishedAt) - Date.parse(crawl.createdAt)) / 1000
    if (crawl.state !== 'running') throw new Error(`crawl ${id} is ${crawl.state}`)
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

/**
 * Makes the next crawl a first crawl, as Scrapy's is: the listing registry is dropped (its
 * template stays, so the next write recreates it as mapped; a record left would turn the page
 * into a conditional GET and a 304, or a <lastmod> skip), and every cached listing removed
 * (the integ-test Elasticsearch has no _delete_by_query).
 */
async function forgetCrawled(stack: Stack): Promise<void> {
  await fetch(`${stack.es.url}/${stack.registryIndex}`, { method: 'DELETE' })
  for (;;) {
    await fetch(`${stack.es.url}/${stack.listingsIndex}/_refresh`, { method: 'POST' })
    const res = await fetch(`${stack.es.url}/${stack.listingsIndex}/_search?size=1000&_source=false`)
    const hits = ((await res.json()) as { hits?: { hits: { _id: string }[] } }).hits?.hits ?? []
    if (hits.length === 0) return
    const lines = hits.map((hit) => JSON.stringify({ delete: { _index: stack.listingsIndex, _id: hit._id } }))
    await fetch(`${stack.es.url}/_bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${lines.join('\n')}\n`
    })
  }
}

async function crawlWithStack(stack: Stack, board: RunningJobBoard): Promise<SideResult> {
  const cpuBefore = await stackCpu(stack)
  const esBefore = await esCounters(stack.es, stack.listingsIndex)
  const { crawl } = await stack.client.start({ source: { kind: 'board' }, refresh: false, maxAttempts: 3 })
  if (HOT_THREADS_FILE !== undefined) void saveHotThreads(stack.es)
  const wallSeconds = await waitForCrawl(stack.client, crawl.id)
  const esAfter = await esCounters(stack.es, stack.listingsIndex)
  const cpuAfter = await stackCpu(stack)
  const summary = await stack.client.get(crawl.id)
  if (summary.total !== board.catalog.entries.length)
    throw new Error(`the crawl has ${summary.total} items, the board ${board.catalog.entries.length} urls`)
  // The next round crawls the same board again: its listings leave the cache, so none is skipped.
  await forgetCrawled(stack)
  return { wallSeconds, urls: summary.total, cpu: diff(cpuAfter, cpuBefore), es: diff(esAfter, esBefore) }
}

async function crawlWithScrapy(board: RunningJobBoard): Promise<SideResult> {
  const inFlight = REPLICAS * WORKERS_PER_REPLICA
  const { summary, wallSeconds } = await runScrapyCrawl({
    sitemaps: [`${board.url}/sitemap.xml`],
    settings: { CONCURRENT_REQUESTS: inFlight, CONCURRENT_REQUESTS_PER_DOMAIN: inFlight, DOWNLOAD_DELAY: 0 }
  })
  const urls = Object.values(summary.statuses).reduce((a, b) => a + b, 0)
  if (urls !== board.catalog.entries.length)
    throw new Error(`Scrapy crawled ${urls} urls, the board has ${board.catalog.entries.length}`)
  return { wallSeconds, urls, cpu: { scrapy: summary.cpuSeconds } }
}

async function startStack(
  board: RunningJobBoard,
  es: BenchElasticsearch,
  rabbit: BenchRabbitMq,
  started: ServiceProcess[]
): Promise<Stack> {
  const names = uniqueStackNames('cost')
  const env = { AMQP_URI: rabbit.amqpUri, ELASTICSEARCH_URL: es.url }
  const address = { board: { url: board.url } }
  // Elasticsearch just started on a busy machine can take minutes to answer the coordinator's first requests.
  const { api, url } = await startApiProcess(names, address, env, 300_000)
  started.push(api)
  const scrapers: ServiceProcess[] = []
  for (let i = 1; i <= REPLICAS; i += 1) {
    scrapers.push(
      await startScraper(names, address, `cost-${i}`, { ...env, SCRAPER_MAX_WORKERS: String(WORKERS_PER_REPLICA) })
    )
    started.push(scrapers[scrapers.length - 1]!)
  }
  const client = new CrawlClient({ baseUrl: url, timeoutMs: 30_000 })
  return {
    es,
    rabbit,
    api,
    scrapers,
    client,
    listingsIndex: names.listingsIndex,
    registryIndex: registryIndex(names.prefix)
  }
}

async function warmUp(stack: Stack, board: RunningJobBoard): Promise<void> {
  const ids = board.catalog.entries.slice(0, WARMUP_IDS).map((entry) => entry.id)
  const { crawl } = await stack.client.start({
    source: { kind: 'ids', text: ids.join('\n') },
    refresh: true,
    maxAttempts: 3
  })
  await waitForCrawl(stack.client, crawl.id)
  await forgetCrawled(stack)
}

/** Elasticsearch's busiest threads 5 s into the crawl (its own `_nodes/hot_threads`), to BENCH_HOT_THREADS. */
async function saveHotThreads(es: BenchElasticsearch): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5000))
  const res = await fetch(`${es.url}/_nodes/hot_threads?threads=8&interval=2s&ignore_idle_threads=true`)
  writeFileSync(HOT_THREADS_FILE!, await res.text())
}

/** Elasticsearch's CPU seconds and search queries per second over IDLE_SECONDS with no crawl running. */
async function idleRate(es: BenchElasticsearch): Promise<{ cpu: number; searches: number }> {
  const searches = async (): Promise<number> => (await esCounters(es, '')).searches
  const [cpuBefore, searchesBefore] = [await es.cpuSeconds(), await searches()]
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000))
  return {
    cpu: ((await es.cpuSeconds()) - cpuBefore) / IDLE_SECONDS,
    searches: ((await searches()) - searchesBefore) / IDLE_SECONDS
  }
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits)

function report(round: number, ours: SideResult, scrapy: SideResult, idleEsCpu: number): void {
  const floor = (LISTINGS * LATENCY_MS) / 1000 / (REPLICAS * WORKERS_PER_REPLICA)
  const total = (r: SideResult): number => Object.values(r.cpu).reduce((a, b) => a + b, 0)
  const per1000 = (r: SideResult, seconds: number): number => (seconds / r.urls) * 1000
  console.log(
    `\nround ${round}: ${ours.urls} urls at ${LATENCY_MS} ms a page, ${REPLICAS * WORKERS_PER_REPLICA} in flight; latency floor ${fmt(floor)} s`
  )
  console.log('| | wall time | ÷ floor | CPU s per 1,000 urls | breakdown (CPU s per 1,000 urls) |')
  console.log('|---|---|---|---|---|')
  for (const [label, r] of [
    ['our stack', ours],
    ['Scrapy', scrapy]
  ] as const) {
    const parts = Object.entries(r.cpu)
      .map(([name, seconds]) => `${name} ${fmt(per1000(r, seconds), 2)}`)
      .join(', ')
    console.log(
      `| ${label} | ${fmt(r.wallSeconds)} s | ${fmt(r.wallSeconds / floor, 2)} | ${fmt(per1000(r, total(r)), 2)} | ${parts} |`
    )
  }
  const es = ours.es!
  const perUrl = (n: number): string => fmt(n / ours.urls, 2)
  const esOps = es.indexed + es.gets + es.searches + es.refreshes
  console.log(
    `Elasticsearch per url: ${perUrl(esOps)} operations (indexed ${perUrl(es.indexed)}, gets ${perUrl(es.gets)}, ` +
      `searches ${perUrl(es.searches)}, refreshes ${perUrl(es.refreshes)}; bulk requests ${perUrl(es.bulkRequests)}); ` +
      `CPU ${fmt(((ours.cpu['elasticsearch'] ?? 0) / ours.urls) * 1000, 2)} ms, of which indexing (Elasticsearch's own ` +
      `index_time, wall time inside indexing) ${fmt(es.ledgerIndexMs / ours.urls, 2)} ms in the ledger and ${fmt(es.listingsIndexMs / ours.urls, 2)} ms in the listings cache; ` +
      `its idle rate over the crawl's wall time would be ${fmt((idleEsCpu * ours.wallSeconds * 1000) / ours.urls, 2)} ms; ` +
      `its JVM's JIT compiler threads ${fmt((es.jitSeconds * 1000) / ours.urls, 2)} ms and garbage collector ${fmt((es.gcSeconds * 1000) / ours.urls, 2)} ms`
  )
  console.log(
    `ratios ours ÷ Scrapy: CPU per url ${fmt(total(ours) / ours.urls / (total(scrapy) / scrapy.urls), 2)}×, ` +
      `wall time ${fmt(ours.wallSeconds / scrapy.wallSeconds, 2)}×`
  )
}

async function main(): Promise<void> {
  console.log(`crawl-cost bench ${new Date().toISOString()} · ${machineLine()}`)
  const board = await startJobBoard({
    host: '127.0.0.1',
    port: 0,
    count: LISTINGS,
    latency: { minMs: LATENCY_MS, maxMs: LATENCY_MS }
  })
  const containers: { remove(): Promise<void> }[] = []
  const processes: ServiceProcess[] = []
  try {
    console.log(`starting Elasticsearch (${ES_IMAGE}) and RabbitMQ (${RABBITMQ_IMAGE}) of the bench's own…`)
    const es = startBenchElasticsearch(ES_IMAGE)
    const rabbit = startBenchRabbitMq(RABBITMQ_IMAGE)
    for (const container of [es, rabbit])
      void container.then(
        (c) => containers.push(c),
        () => undefined
      )
    const alone = await idleRate(await es)
    const stack = await startStack(board, await es, await rabbit, processes)
    await warmUp(stack, board)
    // The warm-up's writes are merged and its indices go search-idle first: this is the stack at rest.
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_SECONDS * 1000))
    const idle = await idleRate(stack.es)
    const idleEsCpu = idle.cpu
    console.log(
      `Elasticsearch idle: ${fmt(alone.cpu * 1000)} ms of CPU a second alone, ${fmt(idle.cpu * 1000)} ms with the stack up ` +
        `and no crawl (${IDLE_SETTLE_SECONDS} s after the warm-up), serving ${fmt(idle.searches, 2)} searches a second`
    )
    for (let round = 1; round <= ROUNDS; round += 1) {
      const ours = await crawlWithStack(stack, board)
      const scrapy = await crawlWithScrapy(board)
      report(round, ours, scrapy, idleEsCpu)
    }
  } finally {
    // The API first, so nothing dispatches to a stopped scraper.
    for (const process of processes) await process.kill()
    await Promise.allSettled(containers.map((container) => container.remove()))
    await board.close()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
