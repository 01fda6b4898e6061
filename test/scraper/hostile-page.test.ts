/**
 * A hostile page must not stall a replica: one scraper service on the real broker gets a
 * page that takes seconds to parse, and normal calls sent meanwhile to the same server are
 * answered before it, while the hostile call ends as PageTooComplex at its deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import type { Listing } from '../../src/shared/listing'
import { silentLogger } from '../../src/services/log'
import { RpcClient } from '../../src/services/rpc/client'
import { RpcServer } from '../../src/services/rpc/server'
import { createScraperService } from '../../src/services/scraper/service'
import type { ScraperService } from '../../src/services/scraper/service'
import { HOSTILE_PAGES } from '../fixtures/hostile-pages'
import { uniqueServiceName } from '../rpc/test-services'
import { TEST_AMQP_URI, deleteQueues } from '../support/nameko'
import { startStaticServer } from '../support/static-server'
import type { StaticServer } from '../support/static-server'

const FIXTURES = fileURLToPath(new URL('../fixtures/pages/', import.meta.url))
const name = uniqueServiceName('scraper_hostile')
const PARSE_TIMEOUT_MS = 800

let source: StaticServer
let service: ScraperService
let server: RpcServer
let client: RpcClient

beforeAll(async () => {
  const slow = HOSTILE_PAGES.slowButLegal()
  source = await startStaticServer({
    root: FIXTURES,
    routes: { '/slow': { body: slow }, '/deep': { body: HOSTILE_PAGES.deepBody() } }
  })
  service = createScraperService({
    serviceName: name,
    sourceUrlTemplate: `${source.origin}/{id}`,
    parse: { threads: 2, timeoutMs: PARSE_TIMEOUT_MS }
  })
  server = new RpcServer(service, { amqpUri: TEST_AMQP_URI, maxWorkers: 10, logger: silentLogger })
  await server.start()
  client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 20_000 })
  // Warm both parse threads, so what is measured below is parsing, not thread start-up.
  await Promise.all([0, 1].map(() => client.call(name, 'get_job_listing_info', ['lever-remote'])))
})

afterAll(async () => {
  await client?.close()
  await server?.stop()
  await service?.close()
  await source?.close()
  await deleteQueues([`rpc-${name}`])
})

describe('a hostile page on one replica', () => {
  it('is refused at the parse deadline while normal calls to the same replica are answered first', async () => {
    const started = performance.now()
    const hostile = client.call(name, 'get_job_listing_info', ['slow']).then(
      () => ({ error: null, at: performance.now() - started }),
      (error: unknown) => ({ error, at: performance.now() - started })
    )
    // Let the hostile page be fetched and its parse begin, then ask for normal pages.
    await new Promise((resolve) => setTimeout(resolve, 200))
    const normalAt: number[] = []
    await Promise.all(
      ['greenhouse-range', 'lever-remote', 'microdata-only', 'graph-yoast', 'workday-plain'].map(async (id) => {
        const listing = await client.call<Listing>(name, 'get_job_listing_info', [id])
        expect(listing.ID).toBe(id)
        normalAt.push(performance.now() - started)
      })
    )
    const outcome = await hostile
    expect(outcome.error).toMatchObject({
      excType: 'PageTooComplex',
      value: expect.stringContaining(`took longer than ${PARSE_TIMEOUT_MS} ms`)
    })
    expect(outcome.at).toBeGreaterThanOrEqual(PARSE_TIMEOUT_MS)
    // On a blocked event loop every normal call would have waited for the hostile parse.
    expect(Math.max(...normalAt)).toBeLessThan(outcome.at)
  })

  it('refuses a page over the pre-scan limits at once, and the replica still serves', async () => {
    const started = performance.now()
    await expect(client.call(name, 'get_job_listing_info', ['deep'])).rejects.toMatchObject({
      excType: 'PageTooComplex',
      value: expect.stringMatching(/512 deep/)
    })
    expect(performance.now() - started).toBeLessThan(PARSE_TIMEOUT_MS)
    await expect(client.call<Listing>(name, 'get_job_listing_info', ['greenhouse-range'])).resolves.toMatchObject({
      title: 'Senior Backend Engineer'
    })
  })
})
