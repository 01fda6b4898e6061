/**
 * Watches run by the coordinator on the real Elasticsearch and RabbitMQ: a watch's due time
 * starts an ordinary crawl; a due time while that crawl still runs is skipped and recorded;
 * two coordinators at once claim each due time once; coordinators stopped over due times
 * run the watch once when one starts again. The scraper is a small real RpcServer on the
 * shared broker whose answers the test can hold back, so a crawl runs as long as it needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi } from '../../src/services/api/server'
import type { RunningApi } from '../../src/services/api/server'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { WatchClient } from '../../src/main/clients/watch-client'
import { ApiClientError } from '../../src/main/clients/api-client'
import { Coordinator } from '../../src/services/crawler/coordinator'
import { crawlReplyHeaders } from '../../src/services/crawler/crawl-control'
import { readSitemapListings } from '../../src/services/crawler/sources/sitemap'
import { SCRAPE_METHOD } from '../../src/services/listings/rpc-scrape'
import { silentLogger } from '../../src/services/log'
import { RpcServer } from '../../src/services/rpc/server'
import { runInProgress } from '../../src/shared/watch'
import type { Watch, WatchRun } from '../../src/shared/watch'
import { TEST_AMQP_URI } from '../support/nameko'
import { ES_URL, makeListing } from '../listings/fixtures'
import { cleanUpStack, startTestBoard, uniqueStackNames, waitForCrawl, waitUntil } from '../crawler/crawl-fixture'
import type { TestBoard } from '../crawler/crawl-fixture'

const names = uniqueStackNames('watch')
const EVERY_2S = { kind: 'cron', cron: '*/2 * * * * *', timeZone: 'UTC' } as const

/** While set, the fake scraper keeps its answers until it is released. */
let hold: { promise: Promise<void>; release: () => void } | null = null
let server: RpcServer
let board: TestBoard
let coordinators: Coordinator[] = []
let api: RunningApi | null = null
let watches: WatchClient
let crawls: CrawlClient

function holdAnswers(): void {
  // A hold a failed test left behind would keep its handlers (and the server's stop) waiting.
  releaseAnswers()
  let release = (): void => {}
  const promise = new Promise<void>((resolve) => (release = resolve))
  hold = { promise, release }
}

function releaseAnswers(): void {
  hold?.release()
  hold = null
}

function newCoordinator(): Coordinator {
  return new Coordinator({
    elasticsearchUrl: ES_URL,
    listingsIndex: names.listingsIndex,
    indexPrefix: names.prefix,
    amqpUri: TEST_AMQP_URI,
    service: names.service,
    method: SCRAPE_METHOD,
    window: 100,
    staleMs: 60_000,
    backoff: { baseMs: 50, maxMs: 200 },
    sources: {
      boardSitemapUrl: `${board.board.url}/sitemap.xml`,
      template: `${board.board.url}/jobs/{id}`,
      readSitemap: readSitemapListings
    },
    defaultSourcePoliteness: { maxInFlight: 10_000, minGapMs: 0 },
    logger: silentLogger,
    tickMs: 200,
    watchTickMs: 200
  })
}

/** Coordinators on the one prefix (the first serves the API), as two api replicas would be. */
async function startCoordinators(count: number): Promise<void> {
  coordinators = Array.from({ length: count }, () => newCoordinator())
  for (const coordinator of coordinators) await coordinator.start()
  api = await startApi({
    port: 0,
    elasticsearchUrl: ES_URL,
    index: names.listingsIndex,
    scrape: () => Promise.reject(new Error('unused')),
    crawler: coordinators[0]!,
    logger: silentLogger
  })
  watches = new WatchClient({ baseUrl: api.url })
  crawls = new CrawlClient({ baseUrl: api.url })
}

async function stopCoordinators(): Promise<void> {
  await api?.close()
  api = null
  for (const coordinator of coordinators) await coordinator.close()
  coordinators = []
}

function waitForRun(id: string, what: string, match: (run: WatchRun, watch: Watch) => boolean): Promise<WatchRun> {
  return waitUntil(
    async () => {
      const watch = await watches.get(id)
      return watch.runs.find((run) => match(run, watch)) ?? null
    },
    30_000,
    what,
    200
  )
}

beforeAll(async () => {
  board = await startTestBoard({ count: 4, seed: 7 })
  server = new RpcServer(
    {
      name: names.service,
      methods: {
        [SCRAPE_METHOD]: {
          params: ['job_listing_id'],
          handler: async (id: unknown) => {
            if (hold !== null) await hold.promise
            return makeListing(String(id))
          }
        }
      }
    },
    {
      amqpUri: TEST_AMQP_URI,
      logger: silentLogger,
      maxWorkers: 20,
      replica: 'fake-1',
      replyHeaders: (tookMs) => crawlReplyHeaders('fake-1', tookMs)
    }
  )
  await server.start()
  await startCoordinators(2)
})

afterAll(async () => {
  releaseAnswers()
  await stopCoordinators()
  await server?.stop()
  await board?.board.close()
  await cleanUpStack(names)
})

describe('watches', () => {
  it('refuses a bad cron expression or time zone with the reason and an example', async () => {
    const error = await watches
      .add({ sources: ['jobboard'], schedule: { kind: 'cron', cron: '0 7 * *', timeZone: 'UTC' } })
      .catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ApiClientError)
    expect(error).toMatchObject({ kind: 'InvalidWatch' })
    expect((error as Error).message).toMatch(/^schedule: "0 7 \* \*" has 4 fields.*For example .*"0 7 \* \* \*"/)
    const zone = await watches
      .add({ sources: ['jobboard'], schedule: { kind: 'cron', cron: '0 7 * * *', timeZone: 'Europe/Atlantis' } })
      .catch((err: unknown) => err)
    expect((zone as Error).message).toMatch(/"Europe\/Atlantis" is not a time zone/)
  })

  it(
    'starts a crawl when due, skips a due time while it runs, and claims each due time once with two coordinators',
    { timeout: 90_000 },
    async () => {
      holdAnswers()
      const watch = await watches.add({
        name: 'overlap',
        sources: ['jobboard'],
        schedule: EVERY_2S,
        crawl: { refresh: true, maxAttempts: 1 }
      })
      expect(watch.nextRunAt).not.toBeNull()
      const first = await waitForRun(watch.id, 'a run that started a crawl', (run) => run.crawlId !== null)
      expect(first.trigger).toBe('schedule')
      expect((await crawls.get(first.crawlId!)).state).toBe('running')
      const stillRunning = `the previous run's crawl ${first.crawlId} is still running`
      const skipped = await waitForRun(watch.id, 'a skipped run', (run) => run.skipped === stillRunning)
      expect(skipped.crawlId).toBeNull()
      expect(Date.parse(skipped.dueAt)).toBeGreaterThan(Date.parse(first.dueAt))
      // On a loaded machine a due time can also come while the first run is still starting its
      // crawl (ingesting the sitemap): skipped too, for that reason.
      const skips = (await watches.get(watch.id)).runs.flatMap((run) => (run.skipped === null ? [] : [run.skipped]))
      expect(skips.filter((reason) => reason !== stillRunning)).toEqual(
        skips.filter((reason) => reason === 'the previous run is still starting its crawl')
      )

      releaseAnswers()
      await waitForCrawl(crawls, first.crawlId!, ['done'], 30_000)
      const ended = await waitForRun(
        watch.id,
        'the first run with its outcome',
        (run) => run.id === first.id && run.outcome !== null
      )
      expect(ended.outcome).toMatchObject({ state: 'done', total: 4, done: 4, failed: 0 })
      const second = await waitForRun(
        watch.id,
        'a later run that started its own crawl',
        (run) => run.crawlId !== null && run.crawlId !== first.crawlId
      )
      expect(Date.parse(second.dueAt)).toBeGreaterThan(Date.parse(skipped.dueAt))

      const paused = await watches.action(watch.id, 'pause')
      expect(paused).toMatchObject({ paused: true, nextRunAt: null })
      // Two coordinators ticked on every due time: each was claimed by one of them only.
      const dueTimes = paused.runs.map((run) => run.dueAt)
      expect(new Set(dueTimes).size).toBe(dueTimes.length)
      // Never two crawls at once: every run but the newest that started one had ended before the next started.
      const started = paused.runs.filter((run) => run.crawlId !== null)
      expect(new Set(started.map((run) => run.crawlId)).size).toBe(started.length)
      await watches.remove(watch.id)
    }
  )

  it('runs now on request, under the same overlap rule', { timeout: 60_000 }, async () => {
    holdAnswers()
    const watch = await watches.add({
      sources: ['jobboard'],
      schedule: { kind: 'every', hours: 24 },
      crawl: { refresh: true }
    })
    const ran = await watches.action(watch.id, 'run')
    expect(ran.runs[0]).toMatchObject({ trigger: 'manual', skipped: null, error: null })
    expect(ran.runs[0]!.crawlId).not.toBeNull()
    expect(ran.nextRunAt).toBe(watch.nextRunAt)
    const again = await watches.action(watch.id, 'run')
    expect(again.runs[0]).toMatchObject({ trigger: 'manual', crawlId: null })
    expect(again.runs[0]!.skipped).toMatch(/is still running$/)
    releaseAnswers()
    await waitForCrawl(crawls, ran.runs[0]!.crawlId!, ['done'], 30_000)
    await watches.remove(watch.id)
  })

  it(
    'runs once, as missed, when a coordinator comes back after due times passed with none running',
    { timeout: 90_000 },
    async () => {
      const watch = await watches.add({ name: 'downtime', sources: ['jobboard'], schedule: EVERY_2S })
      const before = await waitForRun(watch.id, 'a first run that ended', (run) => run.outcome !== null)
      expect(before.trigger).toBe('schedule')
      await stopCoordinators()
      const stoppedAt = Date.now()
      // Three due times pass with no coordinator.
      await new Promise((resolve) => setTimeout(resolve, 7000))
      const restartedAt = Date.now()
      await startCoordinators(1)
      // Started (or skipped, if a crawl of before the stop still ran): decided either way.
      const missed = await waitForRun(
        watch.id,
        'the missed run, started',
        (run) => run.trigger === 'missed' && (run.crawlId !== null || !runInProgress(run))
      )
      expect(Date.parse(missed.dueAt)).toBeLessThan(restartedAt)
      expect(Date.parse(missed.decidedAt)).toBeGreaterThanOrEqual(restartedAt)
      expect(missed.error).toBeNull()
      expect(missed.crawlId ?? missed.skipped).not.toBeNull()
      await waitUntil(async () => (await watches.get(watch.id)).runs.length >= 3, 20_000, 'runs after the restart', 200)
      const paused = await watches.action(watch.id, 'pause')
      // Three due times fell in the downtime; one run stands for them all, the missed one.
      expect(restartedAt - Date.parse(missed.dueAt)).toBeGreaterThan(4000)
      const forDowntime = paused.runs.filter(
        (run) => Date.parse(run.decidedAt) >= stoppedAt && Date.parse(run.dueAt) < restartedAt
      )
      expect(forDowntime.map((run) => run.id)).toEqual([missed.id])
      expect(paused.runs.filter((run) => run.trigger === 'missed')).toHaveLength(1)
    }
  )
})
