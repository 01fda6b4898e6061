/**
 * A watch's health alerts as webhook events, on a real crawl stack (the API process with its
 * coordinator, a scraper, a job board whose listings have nearly all expired: their pages answer
 * 410) and a receiver on loopback: most of the watched crawl's items fail, its run raises
 * `failure-rate`, and the watch's
 * webhook gets one `health` event naming it, signed with the secret the watch was made with;
 * the delivery is kept on the watch and shown by `deck watch show`.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
const names = uniqueStackNames('health-webhook')
let board: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess | undefined
let apiUrl = ''
let receiver: WebhookReceiver | undefined
let receiverUrl = ''
let received: Delivery[] = []

beforeAll(async () => {
  // Judged in 2099, 11 of these 12 listings have expired: 410, a permanent failure.
  board = await startTestBoard({ count: 12, seed: 5, today: '2099-01-01' })
  expect(board.expiredIds).toHaveLength(11)
  receiver = await startWebhookReceiver()
  received = receiver.received
  receiverUrl = `${receiver.origin}/health`
  scrapers.push(await startScraper(names, board, 'replica-0'))
  const started = await startApiProcess(names, board, { WATCH_TICK_MS: '200' })
  api = started.api
  apiUrl = started.url
}, 120_000)

afterAll(async () => {
  await stopCrawlStack(names, { ...(api === undefined ? {} : { api }), scrapers, ...(board ? { board } : {}) })
  await receiver?.close()
})

describe('health alerts as webhook events', () => {
  it('refuses a watch webhook that is not http(s), with the reason', async () => {
    const res = await fetch(`${apiUrl}/watches`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sources: ['jobboard'], schedule: { kind: 'every', hours: 6 }, webhook: 'ftp://x/' })
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { kind: string; message: string } }
    expect(body.error).toMatchObject({ kind: 'InvalidWatch' })
    expect(body.error.message).toMatch(/webhook: A webhook URL is http or https, not ftp/)
  })

  it('POSTs a signed health event to the watch’s webhook when its run fails', { timeout: 120_000 }, async () => {
    const watches = new WatchClient({ baseUrl: apiUrl })
    const watch = await watches.add({
      name: 'broken-board',
      sources: ['jobboard'],
      schedule: { kind: 'cron', cron: '0 7 * * *' },
      crawl: { refresh: false, maxAttempts: 1 },
      webhook: receiverUrl
    })
    expect(watch.secret).toMatch(/^[0-9a-f]{64}$/)
    expect((await watches.get(watch.id)) as object).not.toHaveProperty('secret')
    expect((await watches.reveal(watch.id)).secret).toBe(watch.secret)

    await watches.action(watch.id, 'run')
    const delivery = await waitUntil(
      async () => {
        const d = (await watches.get(watch.id)).deliveries[0]
        return d?.state === 'delivered' ? d : null
      },
      90_000,
      'the health event’s delivery',
      250
    )
    const runRecord = (await watches.get(watch.id)).runs[0]!
    expect(runRecord.outcome).toMatchObject({ total: 12, failed: 11 })
    expect(runRecord.health?.alerts.map((a) => a.rule)).toContain('failure-rate')

    expect(received).toHaveLength(1)
    const hit = received[0]!
    expect(verifySignature(hit.body, watch.secret, hit.headers['x-scrapedeck-signature'] as string)).toBe(true)
    const body = JSON.parse(hit.body) as {
      event: string
      watch: string
      crawlId: string
      run: string
      alerts: { rule: string; message: string }[]
      heldBack: number
    }
    expect(body).toMatchObject({ event: 'health', watch: watch.id, crawlId: runRecord.crawlId, run: runRecord.id })
    expect(body.heldBack).toBe(0)
    expect(body.alerts).toEqual(runRecord.health?.alerts)
    expect(body.alerts.find((a) => a.rule === 'failure-rate')?.message).toBe('11 of 12 items failed (92 %), over 20 %')
    expect(delivery).toMatchObject({ event: 'health', watch: watch.id, url: receiverUrl, listings: 0 })
    expect(delivery.attempts.map((a) => a.status)).toEqual([204])
    expect(api!.output()).not.toContain(watch.secret)

    // `deck watch show` lists the delivery and hides the secret; --reveal shows it.
    const deck = (...args: string[]) =>
      run(join(REPO, 'node_modules/.bin/tsx'), ['src/main/cli/deck.ts', ...args], {
        cwd: REPO,
        env: { ...process.env, DECK_API_URL: apiUrl, AMQP_URI: TEST_AMQP_URI, ELASTICSEARCH_URL: ES_URL },
        timeout: 60_000
      })
    const shown = (await deck('watch', 'show', watch.id)).stdout
    expect(shown).toContain(`webhook       ${receiverUrl}`)
    expect(shown).toContain(`health delivered after 1 attempt: 0 listings, crawl ${runRecord.crawlId}`)
    expect(shown).not.toContain(watch.secret)
    expect((await deck('watch', 'show', watch.id, '--reveal')).stdout).toContain(watch.secret)
  })
})
