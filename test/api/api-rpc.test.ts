/**
 * The API with a real RpcClient calling a small real RpcServer on the shared broker: the
 * scraper's errors cross the bus as Nameko exc_types and still map to the right statuses.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi } from '../../src/services/api/server'
import type { RunningApi } from '../../src/services/api/server'
import { silentLogger } from '../../src/services/log'
import { RpcClient } from '../../src/services/rpc/client'
import { RpcServer } from '../../src/services/rpc/server'
import { ListingNotFound, NotAJobListing } from '../../src/services/scraper/scrape-errors'
import type { ApiErrorBody } from '../../src/shared/lookup'
import type { Listing } from '../../src/shared/listing'
import { TEST_AMQP_URI, deleteQueues } from '../support/nameko'
import { ES_URL, makeListing, uniqueId, uniqueIndex } from '../listings/fixtures'
import { get } from './api-client'

const serviceName = `api_scraper_${randomBytes(4).toString('hex')}`
const index = uniqueIndex('api-rpc')
const RPC_TIMEOUT_MS = 400
const calls: string[] = []
let server: RpcServer
let client: RpcClient
let api: RunningApi
let apiToNowhere: RunningApi

beforeAll(async () => {
  server = new RpcServer(
    {
      name: serviceName,
      methods: {
        get_job_listing_info: {
          params: ['listing_id'],
          handler: async (id) => {
            const listingId = String(id)
            calls.push(listingId)
            const url = `http://127.0.0.1:9/jobs/${listingId}`
            if (listingId.startsWith('gone-')) throw new ListingNotFound(url, 404)
            if (listingId.startsWith('notjob-')) throw new NotAJobListing(url, 'no JobPosting')
            if (listingId.startsWith('slow-')) await new Promise((resolve) => setTimeout(resolve, RPC_TIMEOUT_MS * 3))
            if (listingId.startsWith('odd-')) return { ID: listingId, title: 42 }
            return makeListing(listingId)
          }
        }
      }
    },
    { amqpUri: TEST_AMQP_URI, logger: silentLogger }
  )
  await server.start()
  client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 5000, logger: silentLogger })
  api = await startApi({
    port: 0,
    elasticsearchUrl: ES_URL,
    index,
    rpc: { client, service: serviceName, timeoutMs: RPC_TIMEOUT_MS },
    logger: silentLogger
  })
  // Same broker, a service nobody runs.
  apiToNowhere = await startApi({
    port: 0,
    elasticsearchUrl: ES_URL,
    index,
    rpc: { client, service: `${serviceName}_none` },
    logger: silentLogger
  })
})

afterAll(async () => {
  await api?.listings.repository.deleteIndex()
  await api?.close()
  await apiToNowhere?.close()
  await client?.close()
  await server?.stop()
  await deleteQueues([`rpc-${serviceName}`])
})

describe('API over real RPC', () => {
  it('scrapes a miss through the RPC server, then answers from the cache', async () => {
    const id = uniqueId()
    const first = await get<Listing>(api.url, `/joblisting/${id}`)
    expect(first.status).toBe(200)
    expect(first.headers.get('x-scrapedeck-source')).toBe('scrape')
    expect(first.body).toEqual(makeListing(id, { scrapedAt: first.body.scrapedAt }))
    const second = await get<Listing>(api.url, `/joblisting/${id}`)
    expect(second.headers.get('x-scrapedeck-source')).toBe('cache')
    expect(calls.filter((c) => c === id)).toHaveLength(1)
  })

  it('maps scraper errors that crossed the bus', async () => {
    const gone = await get<ApiErrorBody>(api.url, `/joblisting/${uniqueId('gone')}`)
    expect(gone.status).toBe(404)
    expect(gone.body.error.kind).toBe('ListingNotFound')
    expect(gone.body.error.message).toContain('answered 404')
    const notJob = await get<ApiErrorBody>(api.url, `/joblisting/${uniqueId('notjob')}`)
    expect(notJob.status).toBe(422)
    expect(notJob.body.error.kind).toBe('NotAJobListing')
  })

  it('answers 504 when the scraper is too slow', async () => {
    const res = await get<ApiErrorBody>(api.url, `/joblisting/${uniqueId('slow')}`)
    expect(res.status).toBe(504)
    expect(res.body.error.kind).toBe('RpcTimeout')
  })

  it('answers 502 when the scraper answers something that is not a listing', async () => {
    const res = await get<ApiErrorBody>(api.url, `/joblisting/${uniqueId('odd')}`)
    expect(res.status).toBe(502)
    expect(res.body.error.kind).toBe('MalformedListing')
  })

  it('answers 503 RpcUnknownService when no scraper is running', async () => {
    const res = await get<ApiErrorBody>(apiToNowhere.url, `/joblisting/${uniqueId()}`)
    expect(res.status).toBe(503)
    expect(res.body.error.kind).toBe('RpcUnknownService')
  })

  it('reports the broker as connected in health', async () => {
    const res = await get<{ status: string; broker: { status: string; scraperService: string } }>(api.url, '/health')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'ok', broker: { status: 'connected', scraperService: serviceName } })
  })

  it('answers 503 BrokerUnavailable once the RPC client is closed, and health says so', async () => {
    const closedClient = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, logger: silentLogger })
    const lonely = await startApi({
      port: 0,
      elasticsearchUrl: ES_URL,
      index,
      rpc: { client: closedClient, service: serviceName },
      logger: silentLogger
    })
    try {
      await closedClient.close()
      const res = await get<ApiErrorBody>(lonely.url, `/joblisting/${uniqueId()}`)
      expect(res.status).toBe(503)
      expect(res.body.error.kind).toBe('BrokerUnavailable')
      const health = await get<{ status: string; broker: { status: string } }>(lonely.url, '/health')
      // The cache still serves hits: degraded, not down.
      expect(health.status).toBe(200)
      expect(health.body).toMatchObject({ status: 'degraded', broker: { status: 'disconnected' } })
    } finally {
      await lonely.close()
    }
  })
})
