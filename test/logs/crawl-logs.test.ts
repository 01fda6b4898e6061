/**
 * The stack's log during real crawls: three scraper replicas and the API (with its
 * coordinator) as processes on the shared RabbitMQ and Elasticsearch, shipping their lines
 * (LOG_STORE=elasticsearch) through a gate in front of Elasticsearch that checks the
 * generated password and can be shut, as the log store going down. Read back through the
 * API's GET /logs, as the panel and `deck logs` read it.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import type { LogPage, LogRecord } from '../../src/shared/log-record'
import { logIndexPattern } from '../../src/shared/log-record'
import { startEsGate } from '../support/es-gate'
import type { EsGate } from '../support/es-gate'
import { TEST_ES_URL } from '../support/test-endpoints'
import {
  allItems,
  cleanUpStack,
  startApiProcess,
  startScraper,
  startTestBoard,
  uniqueStackNames,
  waitForCrawl,
  waitUntil
} from '../crawler/crawl-fixture'
import type { ServiceProcess, TestBoard } from '../crawler/crawl-fixture'

const names = uniqueStackNames('logs')
const password = `pw-${randomBytes(9).toString('hex')}`
let gate: EsGate
let board: TestBoard
const scrapers: ServiceProcess[] = []
let api: ServiceProcess
let apiUrl: string
let client: CrawlClient

beforeAll(async () => {
  gate = await startEsGate({ user: 'elastic', password })
  const logEnv = {
    LOG_STORE: 'elasticsearch',
    LOG_ELASTICSEARCH_URL: gate.url.replace(/\/\/[^@]*@/, '//'),
    ELASTIC_PASSWORD: password,
    LOG_INDEX_PREFIX: names.prefix,
    LOG_FLUSH_MS: '200'
  }
  board = await startTestBoard({ count: 160, seed: 41, latency: '150' })
  const scraperEnv = { ...logEnv, SCRAPER_MAX_WORKERS: '2', SCRAPER_PARSE_THREADS: '1' }
  for (const replica of ['replica-1', 'replica-2', 'replica-3'])
    scrapers.push(await startScraper(names, board, replica, scraperEnv))
  const started = await startApiProcess(names, board, logEnv)
  api = started.api
  apiUrl = started.url
  client = new CrawlClient({ baseUrl: apiUrl })
}, 120_000)

afterAll(async () => {
  await gate?.open()
  await api?.kill()
  for (const scraper of scrapers) await scraper.kill()
  await board?.board.close()
  await gate?.close()
  await cleanUpStack(names)
})

async function logs(params: Record<string, string>): Promise<LogPage> {
  const response = await fetch(`${apiUrl}/logs?${new URLSearchParams({ size: '1000', ...params })}`)
  const body = (await response.json()) as LogPage & { error?: { kind: string } }
  if (!response.ok) throw new Error(`GET /logs answered ${response.status}: ${JSON.stringify(body)}`)
  return body
}

const scraperLines = (lines: LogRecord[]): LogRecord[] => lines.filter((l) => l.service === 'scraper')
const coordinatorLines = (lines: LogRecord[]): LogRecord[] =>
  lines.filter((l) => l.service === 'api' && l.component === 'coordinator')

describe('the stack log of a crawl', () => {
  let crawlId: string
  let missingId: string

  it(
    'keeps the lines of replicas scaled away (3 → 1) and finds one listing across replicas, API and coordinator',
    { timeout: 120_000 },
    async () => {
      missingId = '990000001'
      const ids = [...board.activeIds.slice(0, 120), missingId]
      const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') } })
      crawlId = crawl.id
      await waitUntil(async () => (await client.get(crawl.id)).done >= 20, 60_000, 'the first 20 done')
      // Scale down: the two replicas stop (as compose and swarm stop a container) and are gone.
      const removed = scrapers.splice(1, 2)
      for (const scraper of removed) await scraper.kill('SIGTERM')
      const detail = await waitForCrawl(client, crawl.id)
      expect(detail.done + detail.failed).toBe(ids.length)

      const items = await allItems(client, crawl.id)
      const byRemoved = items.find((item) => item.state === 'done' && item.replica === 'replica-2')
      expect(byRemoved, 'an item scraped by replica-2 before it was removed').toBeDefined()
      const listingId = byRemoved!.listingId
      // The API's own line for it: a lookup (a cache hit now).
      expect((await fetch(`${apiUrl}/joblisting/${listingId}`)).status).toBe(200)

      const page = await waitUntil(
        async () => {
          const found = await logs({ listing: listingId, order: 'oldest' })
          const api = found.lines.filter((l) => l.component === 'api')
          return coordinatorLines(found.lines).length > 0 && api.length > 0 ? found : null
        },
        30_000,
        `the lines of listing ${listingId}`
      )
      // Exactly that item's lines: no other listing's, from the replica, the coordinator and the API.
      expect(new Set(page.lines.map((l) => l.fields['listingId']))).toEqual(new Set([listingId]))
      const scraped = scraperLines(page.lines)
      expect(scraped.map((l) => l.replica)).toContain('replica-2')
      expect(scraped.every((l) => l.fields['crawlId'] === crawl.id)).toBe(true)
      const applied = coordinatorLines(page.lines)
      expect(applied.map((l) => [l.msg, l.fields['scrapedBy'], l.fields['crawlId']])).toEqual([
        ['item done', 'replica-2', crawl.id]
      ])
      expect(page.lines.filter((l) => l.component === 'api').map((l) => l.fields['path'])).toEqual([
        `/joblisting/${listingId}`
      ])

      // The crawl's lines came from all three replicas; one replica's filter gives only its own.
      const ofCrawl = await waitUntil(
        async () => {
          const found = await logs({ crawl: crawl.id, service: 'scraper' })
          return new Set(found.lines.map((l) => l.replica)).size === 3 ? found : null
        },
        30_000,
        'scraper lines of all three replicas'
      )
      expect(ofCrawl.lines.every((l) => l.fields['crawlId'] === crawl.id)).toBe(true)
      const ofReplica = await logs({ crawl: crawl.id, replica: 'replica-3' })
      expect(ofReplica.lines.length).toBeGreaterThan(0)
      expect(new Set(ofReplica.lines.map((l) => l.replica))).toEqual(new Set(['replica-3']))
    }
  )

  it('filters by level and by time range, and pages through a crawl in order', async () => {
    const warnings = await waitUntil(
      async () => {
        const found = await logs({ crawl: crawlId, level: 'warn' })
        return found.lines.some((l) => l.msg === 'item failed') ? found : null
      },
      30_000,
      'the failed item line'
    )
    expect(warnings.lines.every((l) => l.level === 'warn' || l.level === 'error')).toBe(true)
    expect(new Set(warnings.lines.map((l) => l.fields['listingId']))).toEqual(new Set([missingId]))
    const failed = warnings.lines.find((l) => l.msg === 'item failed')!
    expect(failed.fields['kind']).toBe('ListingNotFound')

    const all = await logs({ crawl: crawlId, order: 'oldest' })
    expect(all.lines.length).toBeGreaterThan(100)
    const times = all.lines.map((l) => Date.parse(l.time))
    expect([...times].sort((a, b) => a - b)).toEqual(times)
    const middle = all.lines[Math.floor(all.lines.length / 2)]!.time
    const later = await logs({ crawl: crawlId, since: middle, order: 'oldest' })
    const earlier = await logs({ crawl: crawlId, until: middle, order: 'oldest' })
    expect(later.lines.length).toBeGreaterThan(0)
    expect(earlier.lines.length).toBeGreaterThan(0)
    expect(later.lines.every((l) => l.time >= middle)).toBe(true)
    expect(earlier.lines.every((l) => l.time <= middle)).toBe(true)

    // Pages of 25, newest first, give the same lines as one page, in the reverse order.
    const paged: LogRecord[] = []
    let after: string | null | undefined
    do {
      const page = await logs({ crawl: crawlId, size: '25', ...(after ? { after } : {}) })
      paged.push(...page.lines)
      after = page.next
    } while (after !== null)
    expect(paged.map((l) => l.id)).toEqual(
      all.lines
        .slice()
        .reverse()
        .map((l) => l.id)
    )
  })

  it('never stores a generated password, and finds nothing when searched for it', async () => {
    // A request whose path is the password: the API's request line would carry it.
    await fetch(`${apiUrl}/joblisting/${password}`)
    await waitUntil(
      async () =>
        (await logs({ service: 'api', exact: 'request' })).lines.some((l) => String(l.fields['path']).includes('***')),
      30_000,
      'the request line of that lookup, masked'
    )
    const everything = await fetch(
      `${TEST_ES_URL}/${logIndexPattern(names.prefix)}/_search?size=10000&q=*:*&ignore_unavailable=true`
    )
    const stored = await everything.text()
    expect(stored.length).toBeGreaterThan(10_000)
    expect(stored).not.toContain(password)
    expect(stored).toContain('/joblisting/***')
    expect((await logs({ q: password })).total).toBe(0)
    expect(gate.seen.some((seen) => seen.authorization?.startsWith('Basic '))).toBe(true)
  })

  it(
    'a crawl finishes while the log store is down; its lines are shipped once it is back',
    { timeout: 120_000 },
    async () => {
      await gate.shut()
      const ids = board.activeIds.slice(120, 150)
      const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') } })
      const detail = await waitForCrawl(client, crawl.id)
      expect(detail.done).toBe(ids.length)
      // The store cannot be read meanwhile: a clear error, not a hang.
      const refused = await fetch(`${apiUrl}/logs?crawl=${crawl.id}`)
      expect(refused.status).toBe(503)
      expect(((await refused.json()) as { error: { kind: string } }).error.kind).toBe('LogStoreUnavailable')

      await gate.open()
      const page = await waitUntil(
        async () => {
          const found = await logs({ crawl: crawl.id, service: 'api' })
          return found.lines.filter((l) => l.msg === 'item done').length === ids.length ? found : null
        },
        60_000,
        'every item line of the crawl run while the store was down'
      )
      expect(new Set(page.lines.map((l) => l.fields['listingId']))).toEqual(new Set(ids))
      // Each process ships its own buffer when the store is back: the scrapers' may come later.
      const scraped = await waitUntil(
        async () => {
          const found = await logs({ crawl: crawl.id, service: 'scraper' })
          return new Set(found.lines.map((l) => l.fields['listingId'])).size >= ids.length ? found : null
        },
        60_000,
        "the scrapers' lines of the crawl run while the store was down"
      )
      expect(new Set(scraped.lines.map((l) => l.fields['listingId']))).toEqual(new Set(ids))
    }
  )
})
