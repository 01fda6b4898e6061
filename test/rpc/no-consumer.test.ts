/**
 * A lookup when the scraper's queue exists and no replica consumes it (a replica ran once,
 * none runs now): it fails at once, says so, and sends nothing that a replica starting later
 * would find waiting.
 */
import { afterAll, expect, it } from 'vitest'
import { connect } from 'amqplib'
import { RpcClient } from '../../src/services/rpc/client'
import { RpcServer } from '../../src/services/rpc/server'
import { NoConsumer } from '../../src/services/rpc/errors'
import { rpcScrape } from '../../src/services/listings/rpc-scrape'
import { toPanelError } from '../../src/main/error-values'
import { silentLogger } from '../../src/services/log'
import { TEST_AMQP_URI, deleteQueues } from '../support/nameko'
import { makeTestService, uniqueServiceName } from './test-services'

const service = uniqueServiceName('rpc_no_consumer')

afterAll(async () => {
  await deleteQueues([`rpc-${service}`])
})

it('refuses a scrape at once when no replica consumes the queue, and leaves the queue empty', async () => {
  // A replica that declared its queue and stopped: the queue stays, with no consumer.
  const server = new RpcServer(makeTestService(service), { amqpUri: TEST_AMQP_URI, logger: silentLogger })
  await server.start()
  await server.stop()
  // A timeout far beyond what the test allows: only the early refusal can end the call in time.
  const client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 120_000 })
  try {
    expect(await client.consumerCount(service)).toBe(0)
    expect(await client.consumerCount(uniqueServiceName('never_declared'))).toBeNull()
    const error = await rpcScrape(client, service)('123456').catch((err: unknown) => err)
    expect(error).toBeInstanceOf(NoConsumer)
    const panelError = toPanelError(error)
    expect(panelError.kind).toBe('RpcNoConsumer')
    expect(panelError.hint).toMatch(/scale scraper 1/)

    const connection = await connect(TEST_AMQP_URI)
    try {
      const channel = await connection.createChannel()
      expect((await channel.checkQueue(`rpc-${service}`)).messageCount).toBe(0)
    } finally {
      await connection.close()
    }
  } finally {
    await client.close()
  }
}, 20_000)
