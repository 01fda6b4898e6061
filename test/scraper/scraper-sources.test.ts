/**
 * A scraper and the sources it may fetch from, on the real broker: it learns the registry
 * from a crawl-control announcement (as a coordinator sends it), refuses every source it does
 * not hold or holds paused before any request, follows no redirect off a source's origin,
 * sends one User-Agent with the contact URL, and still answers a Python Nameko caller's
 * get_job_listing_info(id) from the default source.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/services/log'
import { RpcClient } from '../../src/services/rpc/client'
import {
  CRAWL_CONTROL_EXCHANGE,
  CrawlControlListener,
  crawlServerHooks
} from '../../src/services/crawler/crawl-control'
import type { ControlAnnouncement } from '../../src/services/crawler/crawl-control'
import { RpcServer } from '../../src/services/rpc/server'
import { userAgentWithContact } from '../../src/services/scraper/scrape-listing'
import { createScraperService } from '../../src/services/scraper/service'
import type { ScraperService } from '../../src/services/scraper/service'
import type { Listing } from '../../src/shared/listing'
import { startTestBoard, waitUntil } from '../support/crawl-stack'
import type { TestBoard } from '../support/crawl-stack'
import { TEST_AMQP_URI, deleteQueues, namekoUnavailableReason, runClusterRpcProxy } from '../support/nameko'
import { uniqueServiceName } from '../rpc/test-services'

const service = uniqueServiceName('scraper_sources')
const CONTACT = 'https://ops.example/crawler'
let boardA: TestBoard
let boardB: TestBoard
let redirector: Server
let redirectorOrigin: string
const userAgents: string[] = []
let control: CrawlControlListener
let scraper: ScraperService
let server: RpcServer
let client: RpcClient

beforeAll(async () => {
  boardA = await startTestBoard({ count: 10, seed: 5 })
  boardB = await startTestBoard({ count: 10, seed: 6 })
  for (const { board } of [boardA, boardB])
    board.server.prependListener('request', (req) => userAgents.push(String(req.headers['user-agent'])))
  // A board whose every page redirects to board A: another origin than its own.
  redirector = createServer((req, res) =>
    res.writeHead(302, { location: `${boardA.board.url}${req.url ?? '/'}` }).end()
  )
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
  redirectorOrigin = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`

  control = new CrawlControlListener({ amqpUri: TEST_AMQP_URI, logger: silentLogger, service })
  await control.start()
  scraper = createScraperService({
    serviceName: service,
    sourceUrlTemplate: `${boardA.board.url}/jobs/{id}`,
    sources: () => control.announcedSources(),
    userAgent: userAgentWithContact(CONTACT),
    timeoutMs: 5000
  })
  server = new RpcServer(scraper, {
    amqpUri: TEST_AMQP_URI,
    logger: silentLogger,
    ...crawlServerHooks(control, 'sources-test')
  })
  await server.start()
  client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 15_000 })
}, 60_000)

afterAll(async () => {
  await client?.close()
  await server?.stop()
  await control?.stop()
  await scraper?.close()
  await boardA?.board.close()
  await boardB?.board.close()
  await new Promise((resolve) => redirector?.close(resolve))
  await deleteQueues([`rpc-${service}`])
})

/** What the coordinator of this scraper's stack would announce. */
async function announce(sources: ControlAnnouncement['sources']): Promise<void> {
  const connection = await connect(TEST_AMQP_URI)
  const channel = await connection.createConfirmChannel()
  await channel.assertExchange(CRAWL_CONTROL_EXCHANGE, 'fanout', { durable: true, autoDelete: false })
  const announcement: ControlAnnouncement = {
    coordinator: `test-${service}`,
    ttlMs: 120_000,
    crawls: {},
    service,
    ...(sources ? { sources } : {})
  }
  channel.publish(CRAWL_CONTROL_EXCHANGE, '', Buffer.from(JSON.stringify(announcement)))
  await channel.waitForConfirms()
  await connection.close()
}

const remoteKind = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => 'no error',
    (err: { excType?: string; value?: string }) => ({ kind: err.excType, message: err.value })
  )
const requestsSoFar = (): number => boardA.hits.length + boardB.hits.length

describe('a scraper and its sources', () => {
  it('knows only the default source until its stack announces the registry', async () => {
    const id = boardA.activeIds[0]!
    const listing = await client.call<Listing>(service, 'get_job_listing_info', [id])
    expect(listing).toMatchObject({ ID: id, source: 'jobboard', url: `${boardA.board.url}/jobs/${id}` })
    expect(
      await remoteKind(client.call(service, 'get_source_listing_info', ['board-b', boardB.activeIds[0]]))
    ).toMatchObject({ kind: 'UnknownSource' })
    expect(boardB.hits).toEqual([])
  })

  it('scrapes a registered source by name, and refuses unknown and paused sources and hostile ids before any request', async () => {
    await announce([
      { name: 'jobboard', listingUrlTemplate: `${boardA.board.url}/jobs/{id}`, paused: false },
      { name: 'board-b', listingUrlTemplate: `${boardB.board.url}/jobs/{id}`, paused: false },
      { name: 'quiet', listingUrlTemplate: `${boardB.board.url}/quiet/{id}`, paused: true },
      { name: 'hopper', listingUrlTemplate: `${redirectorOrigin}/jobs/{id}`, paused: false }
    ])
    await waitUntil(
      async () => control.announcedSources()?.has('board-b'),
      10_000,
      'the announcement to reach the scraper',
      20
    )

    const id = boardB.activeIds[0]!
    const listing = await client.call<Listing>(service, 'get_source_listing_info', ['board-b', id])
    expect(listing).toMatchObject({ ID: id, source: 'board-b', url: `${boardB.board.url}/jobs/${id}` })
    expect(boardB.hits.map((h) => h.id)).toEqual([id])

    const before = requestsSoFar()
    expect(await remoteKind(client.call(service, 'get_source_listing_info', ['nope', id]))).toEqual({
      kind: 'UnknownSource',
      message: 'Unknown source "nope": no source of that name is registered'
    })
    expect(await remoteKind(client.call(service, 'get_source_listing_info', ['quiet', id]))).toEqual({
      kind: 'SourcePaused',
      message: 'The source "quiet" is paused; nothing of it is fetched until it is resumed'
    })
    // A caller can name a source, never a URL: a URL in its place is just an unknown name.
    expect(
      await remoteKind(client.call(service, 'get_source_listing_info', [`${boardA.board.url}/jobs/{id}`, id]))
    ).toMatchObject({ kind: 'UnknownSource' })
    for (const hostile of ['../admin', '%2e%2e', 'a/b', `x?to=${boardA.board.url}`]) {
      expect(
        await remoteKind(client.call(service, 'get_source_listing_info', ['board-b', hostile])),
        hostile
      ).toMatchObject({ kind: 'InvalidListingId' })
    }
    expect(requestsSoFar()).toBe(before)
  })

  it('follows no redirect off a source origin', async () => {
    const before = boardA.hits.length
    const refused = await remoteKind(client.call(service, 'get_source_listing_info', ['hopper', boardA.activeIds[1]]))
    expect(refused).toMatchObject({ kind: 'SourceUnavailable' })
    expect((refused as { message: string }).message).toContain(
      `redirected to another origin (${boardA.board.url}/jobs/${boardA.activeIds[1]})`
    )
    expect(boardA.hits.length).toBe(before)
  })

  it('sends one User-Agent, with the contact URL the user set', () => {
    expect(new Set(userAgents)).toEqual(new Set([`scrapedeck-scraper/0.1 (job listing scraper; +${CONTACT})`]))
  })

  const skipReason = namekoUnavailableReason()
  if (skipReason !== null && process.env['CI']) throw new Error(`Nameko interop tests cannot run in CI: ${skipReason}`)
  it.skipIf(skipReason !== null)(
    `still answers a Python Nameko caller's get_job_listing_info(id) from the default source${skipReason ? ` (skipped: ${skipReason})` : ''}`,
    async () => {
      const [idA, idB] = [boardA.activeIds[2]!, boardB.activeIds[2]!]
      const result = await runClusterRpcProxy(
        [
          `svc = n["${service}"]`,
          `a = svc.get_job_listing_info(${JSON.stringify(idA)})`,
          `b = svc.get_source_listing_info(source="board-b", job_listing_id=${JSON.stringify(idB)})`,
          'print(json.dumps([a["ID"], a["source"], a["url"], b["ID"], b["source"], b["url"]]))'
        ].join('\n')
      )
      expect(result.stderr).toBe('')
      expect(JSON.parse(result.stdout)).toEqual([
        idA,
        'jobboard',
        `${boardA.board.url}/jobs/${idA}`,
        idB,
        'board-b',
        `${boardB.board.url}/jobs/${idB}`
      ])
    }
  )
})
