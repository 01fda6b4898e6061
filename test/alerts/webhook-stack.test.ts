/**
 * Saved searches on a real crawl stack: the API process (its coordinator runs the watch and
 * sends the webhooks), a scraper process and a job board, on the shared broker and
 * Elasticsearch, and two webhook receivers on loopback that this test runs. A watched crawl
 * ends; each saved search that matched gets one signed delivery listing its matches; a
 * receiver that fails twice gets it on the third try, every attempt recorded.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SavedSearchClient } from '../../src/main/clients/saved-search-client'
import { WatchClient } from '../../src/main/clients/watch-client'
import { verifySignature } from '../../src/services/alerts/webhook-signature'
import { ES_URL } from '../listings/fixtures'
import { TEST_AMQP_URI } from '../support/nameko'
import {
  startApiProcess,
  startScraper,
  startTestBoard,
  stopCrawlStack,
  uniqueStackNames,
  waitUntil
} from '../crawler/crawl-fixture'
import type { ServiceProcess, TestBoard } from '../crawler/crawl-fixture'
import { startWebhookReceiver } from '../support/webhook-receiver'
import type { Delivery, WebhookReceiver } from '../support/webhook-receiver'

const run = promisify(execFile)
const REPO = join(import.meta.dirname, '../..')
const names = uniqueStackNames('webhooks')
let board: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess | undefined
let receiver: WebhookReceiver | undefined
let receiverUrl = ''
let apiUrl = ''
let received: Delivery[] = []
/** Answers 500 to the first two requests on /flaky, 200 to everything else. */
let flakyFailuresLeft = 2
let skill = ''
let expectedIds: string[] = []

/** A seed whose active listings have a skill that exactly three of them carry. */
async function boardWithSkillOfThree(): Promise<void> {
  for (let seed = 1; seed < 50; seed++) {
    const candidate = await startTestBoard({ count: 30, seed })
    const active = candidate.board.catalog.listings.filter((l) => l.status === 'active')
    const counts = new Map<string, string[]>()
    for (const listing of active)
      for (const s of new Set(listing.skills.map((x) => x.toLowerCase())))
        counts.set(s, [...(counts.get(s) ?? []), listing.id])
    const three = [...counts].find(([, ids]) => ids.length === 3)
    if (three !== undefined) {
      board = candidate
      skill = three[0]
      expectedIds = [...three[1]].sort()
      return
    }
    await candidate.board.close()
  }
  throw new Error('no seed gives a skill of exactly three listings')
}

beforeAll(async () => {
  await boardWithSkillOfThree()
  receiver = await startWebhookReceiver((path) => ({
    status: path === '/flaky' && flakyFailuresLeft-- > 0 ? 500 : 200
  }))
  received = receiver.received
  receiverUrl = receiver.origin
  scrapers.push(await startScraper(names, board, 'replica-0'))
  const started = await startApiProcess(names, board, { WATCH_TICK_MS: '200' })
  api = started.api
  apiUrl = started.url
}, 180_000)

afterAll(async () => {
  await stopCrawlStack(names, { ...(api === undefined ? {} : { api }), scrapers, ...(board ? { board } : {}) })
  await receiver?.close()
})

describe('saved searches with webhooks on the stack', () => {
  it('refuses a webhook URL that is not http(s) or carries credentials, with the reason', async () => {
    const client = new SavedSearchClient({ baseUrl: apiUrl })
    for (const [webhook, reason] of [
      ['ftp://127.0.0.1/x', /webhook: A webhook URL is http or https, not ftp/],
      ['http://user:pw@127.0.0.1/x', /no user name or password/]
    ] as const) {
      const res = await fetch(`${apiUrl}/saved-searches`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'bad', query: { q: 'x' }, webhook })
      })
      expect(res.status).toBe(400)
      const body = (await res.json()) as { error: { kind: string; message: string } }
      expect(body.error.kind).toBe('InvalidSavedSearch')
      expect(body.error.message).toMatch(reason)
    }
    await expect(client.get('bad')).rejects.toMatchObject({ kind: 'SavedSearchNotFound' })
  })

  it(
    'sends one signed delivery per matching saved search after a watched crawl, retrying a failing receiver',
    { timeout: 150_000 },
    async () => {
      const searches = new SavedSearchClient({ baseUrl: apiUrl })
      const watches = new WatchClient({ baseUrl: apiUrl })
      const steady = await searches.add({
        name: 'steady',
        query: { skills: [skill] },
        webhook: `${receiverUrl}/steady`
      })
      const flaky = await searches.add({ name: 'flaky', query: { skills: [skill] }, webhook: `${receiverUrl}/flaky` })
      await searches.add({ name: 'nothing', query: { q: 'zzzz-no-such-word' }, webhook: `${receiverUrl}/nothing` })
      expect(steady.secret).toMatch(/^[0-9a-f]{64}$/)
      expect((await searches.get('steady')) as object).not.toHaveProperty('secret')
      expect((await searches.reveal('steady')).secret).toBe(steady.secret)

      const watch = await watches.add({ sources: ['jobboard'], schedule: { kind: 'cron', cron: '0 7 * * *' } })
      await watches.action(watch.id, 'run')
      const delivered = await waitUntil(
        async () => {
          const d = (await searches.deliveries('flaky')).deliveries[0]
          return d !== undefined && d.state !== 'pending' ? d : null
        },
        90_000,
        'the flaky receiver’s delivery to end',
        250
      )
      const crawlId = (await watches.get(watch.id)).runs[0]?.crawlId

      const steadyHits = received.filter((r) => r.path === '/steady')
      expect(steadyHits).toHaveLength(1)
      const hit = steadyHits[0]!
      expect(verifySignature(hit.body, steady.secret, hit.headers['x-scrapedeck-signature'] as string)).toBe(true)
      expect(verifySignature(hit.body, flaky.secret, hit.headers['x-scrapedeck-signature'] as string)).toBe(false)
      const body = JSON.parse(hit.body) as {
        event: string
        savedSearch: string
        watch: string
        crawlId: string
        listings: { ID: string }[]
      }
      expect(body).toMatchObject({ event: 'matches', savedSearch: 'steady', watch: watch.id, crawlId })
      expect(body.listings.map((l) => l.ID).sort()).toEqual(expectedIds)
      expect(received.filter((r) => r.path === '/nothing')).toHaveLength(0)

      expect(delivered.state).toBe('delivered')
      expect(delivered.attempts.map((a) => a.status)).toEqual([500, 500, 200])
      expect(delivered.attempts.map((a) => a.error)).toEqual(['HTTP 500', 'HTTP 500', null])
      // 1 s, then 2 s between the tries.
      const [a1, a2, a3] = delivered.attempts.map((a) => Date.parse(a.at))
      expect(a2! - a1!).toBeGreaterThanOrEqual(900)
      expect(a3! - a2!).toBeGreaterThanOrEqual(1900)
      expect(received.filter((r) => r.path === '/flaky').map((r) => r.status)).toEqual([500, 500, 200])
      const steadyDeliveries = (await searches.deliveries('steady')).deliveries
      expect(steadyDeliveries).toMatchObject([{ state: 'delivered', listings: 3, crawlId, watch: watch.id }])
      expect(api!.output()).not.toContain(steady.secret)
      // What the panel's notice reads: the last match, kept with or without a webhook.
      expect((await searches.get('steady')).lastMatch).toMatchObject({ watch: watch.id, crawlId, listings: 3 })
      expect((await searches.get('nothing')).lastMatch).toBeNull()

      // `deck search deliveries` shows the three attempts; `deck search show` hides the secret.
      const deck = (...args: string[]) =>
        run(join(REPO, 'node_modules/.bin/tsx'), ['src/main/cli/deck.ts', ...args], {
          cwd: REPO,
          env: { ...process.env, DECK_API_URL: apiUrl, AMQP_URI: TEST_AMQP_URI, ELASTICSEARCH_URL: ES_URL },
          timeout: 60_000
        })
      const shown = (await deck('search', 'deliveries', 'flaky')).stdout
      expect(shown).toContain(`matches delivered after 3 attempts: 3 listings, crawl ${crawlId}`)
      expect(shown.match(/attempt \d at .*: (500 \(HTTP 500\)|200),/g)).toHaveLength(3)
      expect((await deck('search', 'show', 'steady')).stdout).not.toContain(steady.secret)

      // The run's health is recorded on it: what the crawl fetched, with no earlier run to compare.
      const checked = await waitUntil(
        async () => {
          const r = (await watches.get(watch.id)).runs[0]
          return r?.health ? r : null
        },
        20_000,
        'the run’s health',
        250
      )
      expect(checked.health?.listings).toBe(checked.outcome?.done)
      expect(checked.health?.total).toBe(checked.outcome?.total)
    }
  )
})
