/**
 * The stack log's cost: `npx tsx bench/logs.bench.ts` (about 3 minutes). One crawl of
 * BENCH_IDS ids (default 2000) with the services' log shipping off (LOG_STORE=off), then the
 * same crawl on a fresh stack with it on (LOG_STORE=elasticsearch; BENCH_FIRST=on for the
 * other order): the crawl's time from
 * start to its last item in each, and the slowdown. Then the store's footprint: the log
 * indices of the "on" run, refreshed and force-merged to one segment (as a day's index ends
 * up once it is no longer written), its bytes ÷ its lines, ×1,000,000.
 * Real processes on loopback (test/support/crawl-stack.ts): the job board in-process at
 * BENCH_LATENCY_MS a page (default 20, so the machine, not the board, bounds the rate and
 * logging's CPU shows), two scraper processes (10 workers each) and the API process with its
 * coordinator, on the shared RabbitMQ and Elasticsearch.
 */
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { CrawlClient } from '../src/main/clients/crawl-client'
import { logIndexPattern } from '../src/shared/log-record'
import {
  cleanUpStack,
  startApiProcess,
  startScraper,
  startTestBoard,
  uniqueStackNames,
  waitUntil
} from '../test/support/crawl-stack'
import type { ServiceProcess, TestBoard } from '../test/support/crawl-stack'
import { TEST_ES_URL } from '../test/support/test-endpoints'
import { machineLine } from './support/machine'

const IDS = Number(process.env['BENCH_IDS'] ?? 2000)
const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 20)
const REPLICAS = 2
/** `on` runs the crawl with logging first (the default is off first), so two runs cancel a drift of the machine's load. */
const FIRST = process.env['BENCH_FIRST'] === 'on' ? 'on' : 'off'

interface Run {
  logging: boolean
  seconds: number
  done: number
  failed: number
}

async function crawlOnce(
  board: TestBoard,
  logging: boolean
): Promise<{ run: Run; prefix: string; cleanUp: () => Promise<void> }> {
  const names = uniqueStackNames(logging ? 'logs-on' : 'logs-off')
  const env: Record<string, string> = logging
    ? { LOG_STORE: 'elasticsearch', LOG_ELASTICSEARCH_URL: TEST_ES_URL, LOG_INDEX_PREFIX: names.prefix }
    : { LOG_STORE: 'off' }
  const scrapers: ServiceProcess[] = []
  for (let i = 1; i <= REPLICAS; i++)
    scrapers.push(await startScraper(names, board, `replica-${i}`, { ...env, SCRAPER_MAX_WORKERS: '10' }))
  const { api, url } = await startApiProcess(names, board, env)
  const client = new CrawlClient({ baseUrl: url })
  const ids = board.activeIds.slice(0, IDS)
  const started = performance.now()
  const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') }, refresh: true })
  const detail = await waitUntil(
    async () => {
      const now = await client.get(crawl.id)
      return now.state === 'done' ? now : null
    },
    600_000,
    'the crawl to end',
    100
  )
  const seconds = (performance.now() - started) / 1000
  await api.kill()
  for (const scraper of scrapers) await scraper.kill()
  return {
    run: { logging, seconds, done: detail.done, failed: detail.failed },
    prefix: names.prefix,
    cleanUp: () => cleanUpStack(names)
  }
}

async function es<T>(method: string, path: string): Promise<T> {
  const response = await fetch(`${TEST_ES_URL}${path}`, { method })
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

async function footprint(prefix: string): Promise<{ lines: number; bytes: number; sourceBytes: number }> {
  const pattern = logIndexPattern(prefix)
  await es('POST', `/${pattern}/_refresh`)
  await es('POST', `/${pattern}/_forcemerge?max_num_segments=1`)
  const rows = await es<{ 'docs.count': string; 'store.size': string }[]>(
    'GET',
    `/_cat/indices/${pattern}?format=json&bytes=b&h=docs.count,store.size`
  )
  const lines = rows.reduce((sum, row) => sum + Number(row['docs.count']), 0)
  const bytes = rows.reduce((sum, row) => sum + Number(row['store.size']), 0)
  // The lines' own size, as JSON: what the same lines take as text (docker's json-file adds more).
  const sample = await es<{ hits: { hits: { _source: unknown }[] } }>('GET', `/${pattern}/_search?size=1000`)
  const hits = sample.hits.hits
  const sourceBytes =
    hits.reduce((sum, hit) => sum + JSON.stringify(hit._source).length + 1, 0) / Math.max(1, hits.length)
  return { lines, bytes, sourceBytes }
}

async function main(): Promise<void> {
  console.log(`logs bench ${new Date().toISOString()} · ${machineLine()}`)
  console.log(`${IDS} ids, ${REPLICAS} scrapers × 10 workers, board at ${LATENCY_MS} ms a page`)
  const board = await startTestBoard({ count: Math.ceil(IDS * 1.4), seed: 7, latency: String(LATENCY_MS) })
  const cleanUps: (() => Promise<void>)[] = []
  try {
    const runs: Awaited<ReturnType<typeof crawlOnce>>[] = []
    for (const logging of FIRST === 'on' ? [true, false] : [false, true]) {
      const done = await crawlOnce(board, logging)
      cleanUps.push(done.cleanUp)
      runs.push(done)
      const { seconds, done: ok, failed } = done.run
      console.log(
        `logging ${logging ? 'on: ' : 'off:'} ${seconds.toFixed(1)} s (${(IDS / seconds).toFixed(1)} ids/s, ${ok} done, ${failed} failed), load ${loadavg()[0]!.toFixed(1)}`
      )
    }
    const on = runs.find((r) => r.run.logging)!
    const off = runs.find((r) => !r.run.logging)!
    console.log(`slowdown: ${(((on.run.seconds - off.run.seconds) / off.run.seconds) * 100).toFixed(1)} %`)
    const size = await waitUntil(
      async () => {
        const measured = await footprint(on.prefix)
        return measured.lines >= 2 * on.run.done ? measured : null
      },
      60_000,
      'the lines of the "on" run in the store'
    )
    const perLine = size.bytes / size.lines
    console.log(
      `store: ${size.lines} lines, ${(size.bytes / 1024 / 1024).toFixed(2)} MiB force-merged = ${perLine.toFixed(0)} B a line ` +
        `(lines as JSON: ${size.sourceBytes.toFixed(0)} B) → ${((perLine * 1e6) / 1024 / 1024).toFixed(0)} MiB per million lines`
    )
  } finally {
    await board.board.close()
    for (const cleanUp of cleanUps) await cleanUp()
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  }
)
