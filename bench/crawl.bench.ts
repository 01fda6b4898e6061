/**
 * Crawl throughput at 1…4 scraper replicas: `npx tsx bench/crawl.bench.ts` (a few minutes).
 * The job board in-process at BENCH_LATENCY_MS a page (default 200), the API process with its
 * coordinator and n scraper processes (SCRAPER_MAX_WORKERS=BENCH_WORKERS, default 10) on the
 * shared RabbitMQ and Elasticsearch. Each phase crawls BENCH_IDS fresh ids (refresh) and
 * measures listings/s between 10 % and 90 % done; efficiency = rate(n) ÷ (n × rate(1)).
 */
import { CrawlClient } from '../src/services/crawler/crawl-client'
import { cleanUpStack, startApiProcess, startScraper, startTestBoard, uniqueStackNames } from '../test/crawler/crawl-fixture'
import type { ServiceProcess } from '../test/crawler/crawl-fixture'

const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 200)
const WORKERS = process.env['BENCH_WORKERS'] ?? '10'
const IDS = Number(process.env['BENCH_IDS'] ?? 1500)
const MAX_REPLICAS = Number(process.env['BENCH_MAX_REPLICAS'] ?? 4)

async function main(): Promise<void> {
  const names = uniqueStackNames('bench')
  const board = await startTestBoard({ count: Math.ceil(IDS * 1.3), seed: 3, latency: String(LATENCY_MS) })
  const ids = board.activeIds.slice(0, IDS)
  const { api, url } = await startApiProcess(names, board, { CRAWL_WINDOW: '5000' })
  const client = new CrawlClient({ baseUrl: url })
  const scrapers: ServiceProcess[] = []
  const rates: number[] = []
  try {
    for (let n = 1; n <= MAX_REPLICAS; n += 1) {
      while (scrapers.length < n) scrapers.push(await startScraper(names, board, `bench-${scrapers.length}`, { SCRAPER_MAX_WORKERS: WORKERS }))
      const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') }, refresh: true, name: `bench ${n}` })
      const samples: { at: number; done: number }[] = []
      for (;;) {
        const summary = await client.get(crawl.id)
        samples.push({ at: Date.now(), done: summary.done + summary.failed })
        if (summary.state === 'done') break
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      const from = samples.find((s) => s.done >= ids.length * 0.1)!
      const to = samples.find((s) => s.done >= ids.length * 0.9)!
      const rate = (to.done - from.done) / ((to.at - from.at) / 1000)
      rates.push(rate)
      const detail = await client.get(crawl.id)
      const perReplica = detail.replicas.map((r) => `${r.replica}:${r.done}`).join(' ')
      console.log(`${n} replica(s): ${rate.toFixed(1)} listings/s, efficiency ${(rate / (n * rates[0]!)).toFixed(2)}  [${perReplica}]`)
      await client.remove(crawl.id)
    }
  } finally {
    for (const scraper of scrapers) await scraper.kill()
    await api.kill()
    await board.board.close()
    await cleanUpStack(names)
  }
  console.log(`board ${LATENCY_MS} ms/page, ${WORKERS} workers/replica, ${IDS} ids/phase; ideal per replica ${(Number(WORKERS) * 1000 / LATENCY_MS).toFixed(0)}/s`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
