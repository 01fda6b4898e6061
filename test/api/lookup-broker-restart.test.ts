/**
 * A broker restart under lookups: the API's lookups wait for the reconnect within their
 * deadline and answer 200, instead of 503 BrokerUnavailable the moment the broker goes.
 * The broker here is the test's own (test/support/own-broker.ts), never the shared one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startApi } from '../../src/services/api/server'
import type { RunningApi } from '../../src/services/api/server'
import { silentLogger } from '../../src/services/log'
import { RpcClient } from '../../src/services/rpc/client'
import { BrokerUnavailable } from '../../src/services/rpc/errors'
import { callIdempotent } from '../../src/services/rpc/idempotent-call'
import { RpcServer } from '../../src/services/rpc/server'
import { ES_URL, makeListing, uniqueId, uniqueIndex } from '../listings/fixtures'
import { uniqueServiceName, waitUntil } from '../rpc/test-services'
import { startOwnBroker } from '../support/own-broker'
import type { OwnBroker } from '../support/own-broker'

const service = uniqueServiceName('scraper_restart')
let broker: OwnBroker
let server: RpcServer
let client: RpcClient
let api: RunningApi

beforeAll(async () => {
  broker = await startOwnBroker()
  const scraper = {
    name: service,
    methods: { get_job_listing_info: { params: ['job_listing_id'], handler: (id: unknown) => makeListing(String(id)) } }
  }
  server = new RpcServer(scraper, { amqpUri: broker.amqpUri, logger: silentLogger })
  await server.start()
  client = await RpcClient.connect({ amqpUri: broker.amqpUri, defaultTimeoutMs: 20_000, logger: silentLogger })
  api = await startApi({
    port: 0,
    elasticsearchUrl: ES_URL,
    index: uniqueIndex('restart'),
    rpc: { client, service, timeoutMs: 20_000 },
    logger: silentLogger
  })
}, 240_000)

afterAll(async () => {
  await api?.listings.repository.deleteIndex().catch(() => undefined)
  await api?.close()
  await client?.close()
  await server?.stop()
  await broker?.stop()
}, 60_000)

it('answers lookups sent while the broker restarts, once it is back', async () => {
  await broker.stopApp()
  const restartedAt = Date.now()
  try {
    await waitUntil(() => !client.connected, 10_000, 'the client to see the broker go')
    // Plain calls still fail at once: only idempotent callers wait.
    await expect(client.call(service, 'get_job_listing_info', ['x'])).rejects.toBeInstanceOf(BrokerUnavailable)
    const lookups = Array.from({ length: 5 }, () => fetch(`${api.url}/joblisting/${uniqueId()}`))
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await broker.startApp()
    const answers = await Promise.all(lookups)
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
    console.info(`broker restart: 5 lookups sent during it answered 200 ${Date.now() - restartedAt} ms after stop_app`)
  } finally {
    await broker.startApp().catch(() => undefined)
  }
}, 60_000)

it('still gives up within its deadline when the broker stays away', async () => {
  await broker.stopApp()
  try {
    await waitUntil(() => !client.connected, 10_000, 'the client to see the broker go')
    const started = Date.now()
    await expect(callIdempotent(client, service, 'get_job_listing_info', ['y'], {}, 1000)).rejects.toBeInstanceOf(
      BrokerUnavailable
    )
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(Date.now() - started).toBeLessThan(3000)
  } finally {
    await broker.startApp()
  }
  await waitUntil(() => client.connected, 30_000, 'the client to reconnect')
}, 60_000)
