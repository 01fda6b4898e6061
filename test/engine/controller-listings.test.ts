/**
 * lookup, search and the RPC console through the controller: real RabbitMQ and Elasticsearch
 * (the test infrastructure: test/support/test-endpoints.ts), our scraper service on the bus scraping a local job
 * board. Unique service name and index, removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '@elastic/elasticsearch'
import { PanelUnderTest } from '../support/panel-under-test'
import { startupPanelConfig } from '../support/panel-settings'
import { startJobBoard } from '../../src/services/jobboard/server'
import type { RunningJobBoard } from '../../src/services/jobboard/server'
import { silentLogger } from '../../src/services/log'
import { RpcServer } from '../../src/services/rpc'
import { createScraperService } from '../../src/services/scraper/service'
import { TEST_AMQP_URI, deleteQueues } from '../support/nameko'
import { TEST_ES_URL } from '../support/test-endpoints'
import { REPO, STACK_FILE, suffix } from './engine-fixture'

const ES_URL = TEST_ES_URL
const id = suffix()
const serviceName = `deck_test_scraper_${id}`
const index = `deck-test-listings-${id}`
let board: RunningJobBoard
let server: RpcServer
let controller: PanelUnderTest

beforeAll(async () => {
  board = await startJobBoard({ port: 0, count: 50, logger: silentLogger })
  server = new RpcServer(createScraperService({ serviceName, sourceUrlTemplate: `${board.url}/jobs/{id}` }), {
    amqpUri: TEST_AMQP_URI,
    logger: silentLogger
  })
  await server.start()
  controller = new PanelUnderTest(
    startupPanelConfig(
      {
        DECK_COMPOSE_FILE: STACK_FILE,
        DECK_PROJECT: `decklistings${id}`,
        AMQP_URI: TEST_AMQP_URI,
        ELASTICSEARCH_URL: ES_URL,
        LISTINGS_INDEX: index,
        SCRAPER_SERVICE: serviceName
      },
      REPO
    )
  )
})

afterAll(async () => {
  await controller?.close()
  await server?.stop()
  await board?.close()
  await deleteQueues([`rpc-${serviceName}`])
  const es = new Client({ node: ES_URL })
  await es.indices.delete({ index, ignore_unavailable: true })
  await es.close()
})

describe('listings through the controller', () => {
  it('lookup scrapes over RPC, then answers from the cache; latency goes to the metrics history', async () => {
    const listingId = board.catalog.listings.find((l) => l.status === 'active')?.id ?? ''
    const first = await controller.invoke('lookup', { id: listingId })
    if (!first.ok) throw new Error(`${first.error.kind}: ${first.error.message}`)
    expect(first.value).toMatchObject({ source: 'scrape', cache: 'ok', listing: { ID: listingId } })
    const second = await controller.invoke('lookup', { id: listingId })
    expect(second).toMatchObject({ ok: true, value: { source: 'cache', listing: { ID: listingId } } })
    const sample = await controller.broker.sample()
    expect(sample).toBeDefined()
    const history = await controller.invoke('metricHistory', {})
    expect(history.ok && history.value.samples.at(-1)?.lookupLatency?.count).toBe(2)
  })

  it('search finds the cached listing', async () => {
    const listing = board.catalog.listings.find((l) => l.status === 'active')
    const word = (listing?.title ?? '').split(/\s+/)[0] ?? ''
    let result = await controller.invoke('search', { query: word })
    for (let i = 0; i < 20 && result.ok && result.value.total === 0; i++) {
      await new Promise((r) => setTimeout(r, 250)) // the index refreshes about once a second
      result = await controller.invoke('search', { query: word })
    }
    if (!result.ok) throw new Error(result.error.message)
    expect(result.value.hits.map((h) => h.listing.ID)).toContain(listing?.id)
  })

  it('errors keep their kind: invalid id, listing not found, unknown RPC service', async () => {
    expect(await controller.invoke('lookup', { id: '../etc' })).toMatchObject({
      ok: false,
      error: { kind: 'InvalidRequest' }
    })
    const missing = await controller.invoke('lookup', { id: 'no-such-listing-999' })
    expect(missing).toMatchObject({ ok: false, error: { kind: 'ListingNotFound' } })
    const unknown = await controller.invoke('rpcCall', { service: `nobody_${id}`, method: 'x', timeoutMs: 2000 })
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'RpcUnknownService' } })
  })
})
