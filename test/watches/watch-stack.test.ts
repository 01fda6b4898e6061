/**
 * Watches on a real crawl stack: the API process (its coordinator runs the watches, ticking at
 * WATCH_TICK_MS), a scraper process and a job board whose pages are slow, on the shared broker
 * and Elasticsearch. A watch made over REST runs on its schedule and starts a crawl; a due
 * time while that crawl still runs is skipped and recorded; the API stopped over due times
 * runs the watch once when it starts again.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Watch } from '../../src/shared/watch'
import { PanelUnderTest } from '../support/panel-under-test'
import { startupPanelConfig } from '../support/panel-settings'
import { TEST_AMQP_URI } from '../support/nameko'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { WatchClient } from '../../src/main/clients/watch-client'
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

const run = promisify(execFile)
const REPO = join(import.meta.dirname, '../..')
const names = uniqueStackNames('watch-stack')
const API_ENV = { WATCH_TICK_MS: '200' }
let board: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess | undefined
let watches: WatchClient
let crawls: CrawlClient
let apiUrl = ''

async function startApi(): Promise<void> {
  const started = await startApiProcess(names, board, API_ENV)
  api = started.api
  apiUrl = started.url
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

  it('is added, shown, run and removed through the panel session and `deck watch`', { timeout: 120_000 }, async () => {
    const panel = new PanelUnderTest(
      startupPanelConfig(
        {
          DECK_API_URL: apiUrl,
          AMQP_URI: TEST_AMQP_URI,
          ELASTICSEARCH_URL: ES_URL,
          DECK_PROJECT: `deckwatch${Date.now()}`
        },
        REPO
      )
    )
    try {
      const bad = await panel.invoke('watchAdd', {
        sources: ['jobboard'],
        schedule: { kind: 'cron', cron: '0 7 * * *', timeZone: 'Berlin' }
      })
      expect(bad).toMatchObject({ ok: false })
      expect(bad.ok ? '' : bad.error.message).toMatch(/"Berlin" is not a time zone.*For example/)
      const added = await panel.invoke('watchAdd', {
        name: 'mornings',
        sources: ['jobboard'],
        schedule: { kind: 'cron', cron: '0 7 * * *', timeZone: 'Europe/Berlin' }
      })
      if (!added.ok) throw new Error(added.error.message)
      // 07:00 Berlin is 06:00 or 05:00 UTC, on the next day at the latest.
      expect(new Date(added.value.nextRunAt!).getUTCHours()).toBeGreaterThanOrEqual(5)
      expect(Date.parse(added.value.nextRunAt!) - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000)

      const env = { ...process.env, DECK_API_URL: apiUrl, AMQP_URI: TEST_AMQP_URI, ELASTICSEARCH_URL: ES_URL }
      const tsx = join(REPO, 'node_modules/.bin/tsx')
      const deck = (...args: string[]) =>
        run(tsx, ['src/main/cli/deck.ts', ...args], { cwd: REPO, env, timeout: 60_000 })
      const cliAdded = JSON.parse(
        (await deck('watch', 'add', '--source', 'jobboard', '--every', '6h', '--name', 'six-hourly', '--json')).stdout
      ) as Watch
      expect(cliAdded.schedule).toEqual({ kind: 'every', hours: 6 })
      const list = (await deck('watch', 'list')).stdout
      expect(list).toContain('mornings: At 07:00, every day (Europe/Berlin); next ')
      expect(list).toContain('six-hourly: Every 6 hours; next ')
      const badCli = await deck('watch', 'add', '--source', 'jobboard', '--cron', '61 * * * *').catch(
        (err: { stderr: string; code: number }) => err
      )
      expect(badCli).toMatchObject({ code: expect.any(Number) })
      expect((badCli as { stderr: string }).stderr).toMatch(/Invalid value for minute: 61/)

      const ran = await panel.invoke('watchAction', { id: added.value.id, action: 'run' })
      if (!ran.ok) throw new Error(ran.error.message)
      expect(ran.value.runs[0]).toMatchObject({ trigger: 'manual', skipped: null })
      const shown = (await deck('watch', 'show', added.value.id)).stdout
      expect(shown).toContain(`(manual) crawl ${ran.value.runs[0]!.crawlId}`)
      expect((await deck('watch', 'remove', cliAdded.id)).stdout.trim()).toBe('removed')
      expect(await panel.invoke('watchRemove', { id: added.value.id })).toMatchObject({ ok: true })
      expect(await panel.invoke('watchGet', { id: added.value.id })).toMatchObject({
        ok: false,
        error: { kind: 'WatchNotFound' }
      })
    } finally {
      await panel.close()
    }
  })
})
