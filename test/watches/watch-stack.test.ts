/**
 * Watches on a real crawl stack: the API process (its coordinator runs the watches, ticking at
 * WATCH_TICK_MS), a scraper process and a job board whose pages are slow, on the shared broker
 * and Elasticsearch. A watch made over REST runs on its schedule and starts a crawl; a due
 * time while that crawl still runs is skipped and recorded; the API stopped over due times
 * runs the watch once when it starts again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { WatchClient } from '../../src/main/clients/watch-client'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import { deleteWatchesIndex, watchesIndex } from '../../src/services/watches/watch-index'
import type { WatchRun } from '../../src/shared/watch'
import { ES_URL } from '../listings/fixtures'
import {
  startApiProcess,
  startScraper,
  startTestBoard,
  stopCrawlStack,
  uniqueStackNames,
  waitForCrawl,
  waitUntil
} from '../crawler/crawl-fixture'
import type { ServiceProcess, TestBoard } from '../crawler/crawl-fixture'

const names = uniqueStackNames('watch-stack')
const API_ENV = { WATCH_TICK_MS: '200' }
let board: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess | undefined
let watches: WatchClient
let crawls: CrawlClient

async function startApi(): Promise<void> {
  const started = await startApiProcess(names, board, API_ENV)
  api = started.api
  watches = new WatchClient({ baseUrl: started.url })
  crawls = new CrawlClient({ baseUrl: started.url })
}

function waitForRun(id: string, what: string, match: (run: WatchRun) => boolean): Promise<WatchRun> {
  return waitUntil(async () => (await watches.get(id)).runs.find(match) ?? null, 40_000, what, 200)
}

beforeAll(async () => {
  // 6 pages of 1.5 s each, 2 at a time: a crawl outlasts the watch's 2 s between due times.
  board = await startTestBoard({ count: 6, seed: 11, latency: '1500' })
  scrapers.push(await startScraper(names, board, 'replica-0', { SCRAPER_MAX_WORKERS: '2' }))
  await startApi()
}, 120_000)

afterAll(async () => {
  await stopCrawlStack(names, { ...(api === undefined ? {} : { api }), scrapers, board })
  const es = createElasticsearchClient(ES_URL, 30_000)
  await deleteWatchesIndex(es, watchesIndex(names.prefix))
  await es.close()
})

describe('watches on the stack', () => {
  it(
    'runs on schedule, skips a due time while its crawl runs, and runs once after the API was down',
    { timeout: 150_000 },
    async () => {
      const watch = await watches.add({
        name: 'every 2 s',
        sources: ['jobboard'],
        schedule: { kind: 'cron', cron: '*/2 * * * * *', timeZone: 'UTC' },
        crawl: { refresh: true, maxAttempts: 2 }
      })
      const first = await waitForRun(watch.id, 'a run that started a crawl', (run) => run.crawlId !== null)
      expect(first.trigger).toBe('schedule')
      const skipped = await waitForRun(watch.id, 'a skipped due time', (run) => run.skipped !== null)
      expect(skipped.skipped).toBe(`the previous run's crawl ${first.crawlId} is still running`)
      const crawl = await waitForCrawl(crawls, first.crawlId!, ['done'], 60_000)
      expect([crawl.total, crawl.done, crawl.failed]).toEqual([6, 6, 0])
      const ended = await waitForRun(watch.id, 'the outcome', (run) => run.id === first.id && run.outcome !== null)
      expect(ended.outcome).toMatchObject({ state: 'done', total: 6, done: 6, failed: 0 })

      await api!.kill()
      api = undefined
      const stoppedAt = Date.now()
      await new Promise((resolve) => setTimeout(resolve, 7000))
      const restartedAt = Date.now()
      await startApi()
      const missed = await waitForRun(watch.id, 'the missed run', (run) => run.trigger === 'missed')
      expect(restartedAt - Date.parse(missed.dueAt)).toBeGreaterThan(4000)
      await waitUntil(
        async () => (await watches.get(watch.id)).runs.some((run) => Date.parse(run.dueAt) > restartedAt),
        20_000,
        'a run due after the restart',
        200
      )
      const paused = await watches.action(watch.id, 'pause')
      const forDowntime = paused.runs.filter(
        (run) => Date.parse(run.decidedAt) >= stoppedAt && Date.parse(run.dueAt) < restartedAt
      )
      expect(forDowntime.map((run) => run.id)).toEqual([missed.id])
    }
  )
})
