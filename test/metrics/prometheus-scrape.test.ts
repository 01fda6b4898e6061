/**
 * The API's /metrics scraped by a real Prometheus during a crawl: a PromQL query gives the
 * crawl's rate, and the crawl's own HTTP statistics (status codes per host) equal what the
 * board says it answered (its /_stats). The board refuses every page for its first half second
 * (429, Retry-After: 1), so a status other than 200 is counted too, and some ids are expired
 * (410) or unknown (404).
 */
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import type { SiteTruth } from '../../src/services/jobboard/site-limit'
import {
  cleanUpStack,
  expectCountsAddUp,
  startApiProcess,
  startBoardProcess,
  startScraper,
  uniqueStackNames,
  waitForCrawl,
  waitUntil
} from '../crawler/crawl-fixture'
import type { BoardProcess, ServiceProcess } from '../crawler/crawl-fixture'
import { PROMETHEUS_BINARY, startPrometheus } from '../support/prometheus'
import type { RunningPrometheus } from '../support/prometheus'

const names = uniqueStackNames('metrics')
const present = existsSync(PROMETHEUS_BINARY)
if (!present) console.warn(`Skipped: no Prometheus at ${PROMETHEUS_BINARY} (apt-get install -y prometheus)`)

let board: BoardProcess
let expiredIds: string[]
let scrapers: ServiceProcess[] = []
let api: ServiceProcess | undefined
let apiUrl: string
let prometheus: RunningPrometheus | undefined

beforeAll(async () => {
  if (!present) return
  board = await startBoardProcess({ JOBBOARD_COUNT: '80', JOBBOARD_SEED: '21', JOBBOARD_REFUSE_FOR: '500/1' })
  const jobs = (await (await fetch(`${board.board.url}/jobs.json`)).json()) as {
    jobs: { id: string; status: string }[]
  }
  expiredIds = jobs.jobs.filter((j) => j.status === 'expired').map((j) => j.id)
  scrapers = [await startScraper(names, board, 'metrics-1')]
  const started = await startApiProcess(names, board, {
    // The board is the default source: it is created with these limits. Its robots.txt is not
    // read, so the board's refusals (from its first request) fall on pages, not on robots.txt.
    CRAWL_DEFAULT_SOURCE_POLITENESS: JSON.stringify({ maxInFlight: 8, minGapMs: 20, respectRobots: false }),
    CRAWL_HTTP_STATS_CHECKPOINT_MS: '1000'
  })
  api = started.api
  apiUrl = started.url
  prometheus = await startPrometheus([{ job: 'scrapedeck-api', target: new URL(apiUrl).host }])
}, 120_000)

afterAll(async () => {
  await prometheus?.stop()
  await api?.kill()
  for (const scraper of scrapers) await scraper.kill()
  await board?.process.kill()
  if (present) await cleanUpStack(names)
})

it.runIf(present)(
  'Prometheus gets the crawl rate; the per-host status counts equal the board own counts',
  { timeout: 120_000 },
  async () => {
    const client = new CrawlClient({ baseUrl: apiUrl })
    const prom = prometheus!
    await waitUntil(() => prom.query('up{job="scrapedeck-api"} == 1'), 20_000, 'Prometheus to scrape the API')
    const ids = [...board.activeIds.slice(0, 40), ...expiredIds.slice(0, 4), '99999901', '99999902']
    const startedAt = Date.now() / 1000
    const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') }, maxAttempts: 1 })
    const detail = await waitForCrawl(client, crawl.id, ['done'], 90_000)
    const endedAt = Date.now() / 1000
    expectCountsAddUp(detail)
    const finished = detail.done + detail.failed

    // Prometheus has a sample taken after the last item finished…
    await waitUntil(
      async () => ((await prom.query('sum(scrapedeck_crawl_items_finished_total)')) ?? 0) >= finished,
      20_000,
      'Prometheus to see every finished item'
    )
    // …so the rate over the crawl, evaluated at its end, is the crawl's.
    const window = Math.ceil(endedAt - startedAt) + 2
    const rate = await prom.query(`sum(rate(scrapedeck_crawl_items_finished_total[${window}s]))`, endedAt + 1)
    console.log(`${finished} items in ${window} s; Prometheus rate ${rate}/s`)
    expect(rate).toBeGreaterThan(0)
    await waitUntil(
      async () => (await prom.query('scrapedeck_crawl_items{state="done"}')) === detail.done,
      20_000,
      'the items gauge to show every done item'
    )
    expect(await prom.query('sum(scrapedeck_fetch_responses_total{code="429"})')).toBeGreaterThan(0)

    // The crawl's own statistics against the site's: every answer it gave, by kind.
    const truth = (await (await fetch(`${board.board.url}/_stats`)).json()) as {
      byKind: { listing: number }
      site: SiteTruth
    }
    const { http } = await client.get(crawl.id)
    expect(http?.hosts.map((h) => h.host)).toEqual([new URL(board.board.url).host])
    const host = http!.hosts[0]!
    console.log(`HTTP statistics: ${JSON.stringify(host)}; board: ${JSON.stringify(truth)}`)
    const count = (code: string): number => host.responses[code] ?? 0
    const all = Object.values(host.responses).reduce((sum, n) => sum + n, 0)
    // A fetch cut off at its slot's end got no status: the site answered it all the same.
    expect(all + host.timeouts).toBe(truth.byKind.listing)
    expect(count('429')).toBe(truth.site.refused)
    expect(all - count('429') + host.timeouts).toBe(truth.site.served)
    expect(count('410')).toBe(4)
    expect(count('404')).toBe(2)
    expect(host.fetches).toBe(truth.byKind.listing)
    expect(host.bytes).toBeGreaterThan(0)
    expect(host.latencyMs.p50).not.toBeNull()
    expect(host.latencyMs.p99!).toBeGreaterThanOrEqual(host.latencyMs.p50!)
    expect(http!.checkpointedAt).not.toBeNull()
    // The summary export carries the same statistics.
    const summary = (await (await fetch(`${apiUrl}/crawls/${crawl.id}/export?format=summary`)).json()) as typeof detail
    expect(summary.http?.hosts[0]?.responses).toEqual(host.responses)
  }
)
