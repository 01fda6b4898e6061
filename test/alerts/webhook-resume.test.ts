/**
 * A webhook delivery outlives the api service that started it: a watched crawl's saved search
 * is delivered to a receiver on loopback that keeps failing (503, Retry-After 4 s); the api
 * process is stopped between two attempts; a new api process on the same indices takes the
 * delivery up from the outbox and delivers it, signed as before, every attempt on its record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SavedSearchClient } from '../../src/main/clients/saved-search-client'
import { WatchClient } from '../../src/main/clients/watch-client'
import { webhookOutboxIndex } from '../../src/services/alerts/webhook-outbox'
import { verifySignature } from '../../src/services/alerts/webhook-signature'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import { ES_URL } from '../listings/fixtures'
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

const names = uniqueStackNames('webhook-resume')
let board: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess | undefined
let receiver: WebhookReceiver | undefined
let receiverUrl = ''
let received: Delivery[] = []
/** While true the receiver answers 503 with Retry-After: 4; then 200. */
let failing = true

beforeAll(async () => {
  board = await startTestBoard({ count: 20, seed: 3 })
  receiver = await startWebhookReceiver(() =>
    failing ? { status: 503, headers: { 'Retry-After': '4' } } : { status: 200 }
  )
  received = receiver.received
  receiverUrl = `${receiver.origin}/hook`
  scrapers.push(await startScraper(names, board, 'replica-0'))
}, 120_000)

afterAll(async () => {
  await stopCrawlStack(names, { ...(api === undefined ? {} : { api }), scrapers, ...(board ? { board } : {}) })
  await receiver?.close()
})

describe('a pending webhook delivery across an api restart', () => {
  it('is taken up by the next api process and delivered, its attempts kept', { timeout: 150_000 }, async () => {
    const first = await startApiProcess(names, board, { WATCH_TICK_MS: '200' })
    api = first.api
    const searches = new SavedSearchClient({ baseUrl: first.url })
    const saved = await searches.add({ name: 'everything', query: {}, webhook: receiverUrl })
    const watches = new WatchClient({ baseUrl: first.url })
    const watch = await watches.add({ sources: ['jobboard'], schedule: { kind: 'cron', cron: '0 7 * * *' } })
    await watches.action(watch.id, 'run')

    // Two failed attempts, the third 4 s away: stop the api process now.
    const pending = await waitUntil(
      async () => {
        const d = (await searches.deliveries('everything')).deliveries[0]
        return d !== undefined && d.attempts.length >= 2 ? d : null
      },
      90_000,
      'two failed attempts',
      100
    )
    expect(pending.state).toBe('pending')
    await first.api.kill('SIGTERM')
    const stoppedAt = Date.now()
    const attemptsBefore = received.length
    expect(received.every((r) => r.status === 503)).toBe(true)
    failing = false

    // Its entry stays in the outbox, released for the next dispatcher.
    const es = createElasticsearchClient(ES_URL, 30_000)
    try {
      await es.indices.refresh({ index: webhookOutboxIndex(names.prefix) })
      const kept = await es.search<{ delivery: { id: string }; leaseUntil: string }>({
        index: webhookOutboxIndex(names.prefix)
      })
      expect(kept.hits.hits.map((h) => h._source?.delivery.id)).toEqual([pending.id])
      expect(Date.parse(kept.hits.hits[0]!._source!.leaseUntil)).toBeLessThanOrEqual(Date.now())
    } finally {
      await es.close()
    }

    const second = await startApiProcess(names, board, { WATCH_TICK_MS: '200' })
    api = second.api
    const delivered = await waitUntil(
      async () => {
        const d = (await new SavedSearchClient({ baseUrl: second.url }).deliveries('everything')).deliveries
        return d[0]?.state === 'delivered' ? d : null
      },
      60_000,
      'the delivery to be made by the second api process',
      250
    )
    expect(second.api.output()).toContain('Webhook delivery resumed')

    // One delivery, its failed attempts from the first process and the last from the second.
    expect(delivered).toHaveLength(1)
    const [delivery] = delivered
    expect(delivery!.id).toBe(pending.id)
    const statuses = delivery!.attempts.map((a) => a.status)
    expect(statuses.length).toBe(attemptsBefore + 1)
    expect(statuses).toEqual([...Array<number>(attemptsBefore).fill(503), 200])
    expect(delivery!.attempts.at(-1)!.error).toBeNull()

    // The receiver saw each attempt once, the same signed body every time; the success after the stop.
    expect(received.map((r) => r.status)).toEqual(statuses)
    expect(received.at(-1)!.at).toBeGreaterThanOrEqual(stoppedAt)
    for (const hit of received) {
      expect(hit.body).toBe(received[0]!.body)
      expect(verifySignature(hit.body, saved.secret, hit.headers['x-scrapedeck-signature'] as string)).toBe(true)
    }
    expect(JSON.parse(received[0]!.body)).toMatchObject({
      event: 'matches',
      savedSearch: 'everything',
      watch: watch.id
    })
    expect(second.api.output()).not.toContain(saved.secret)

    // The outbox empties once the delivery ended (its entry goes just after the record is written).
    const es2 = createElasticsearchClient(ES_URL, 30_000)
    try {
      await waitUntil(
        async () => {
          await es2.indices.refresh({ index: webhookOutboxIndex(names.prefix) })
          return (await es2.count({ index: webhookOutboxIndex(names.prefix) })).count === 0
        },
        15_000,
        'the outbox to be empty'
      )
    } finally {
      await es2.close()
    }
  })
})
