/**
 * A real broker restart (`rabbitmqctl stop_app` / `start_app`). Other suites share this
 * broker, so the outage is kept to the few seconds the checks need.
 */
import { afterAll, expect, it } from 'vitest'
import { RpcClient } from '../../src/services/rpc/client'
import { RpcServer } from '../../src/services/rpc/server'
import { BrokerUnavailable } from '../../src/services/rpc/errors'
import { silentLogger } from '../../src/services/log'
import { TEST_AMQP_URI, deleteQueues, waitForConsumers } from '../support/nameko'
import { testRabbitmqctl } from '../support/test-endpoints'
import { makeGate, makeTestService, uniqueServiceName, waitUntil } from './test-services'

const service = uniqueServiceName('rpc_restart')

const rabbitmqctl = testRabbitmqctl

afterAll(async () => {
  await deleteQueues([`rpc-${service}`])
})

it('fails in-flight and new calls fast while the broker is down, then client and server recover', async () => {
  const gate = makeGate()
  const server = new RpcServer(makeTestService(service, gate), { amqpUri: TEST_AMQP_URI, logger: silentLogger })
  await server.start()
  const client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 30_000 })
  try {
    await expect(client.call(service, 'hello', ['before'])).resolves.toBe('Hello, before!')
    let failedAt = 0
    const inFlight = client.call(service, 'slow', ['in flight']).catch((err: unknown) => {
      failedAt = Date.now()
      return err
    })
    await gate.waitForStarts(1)

    let stoppedAt = 0
    const stopIssuedAt = Date.now()
    try {
      await rabbitmqctl('stop_app')
      stoppedAt = Date.now()
      // The broker closes every connection as it stops: the call fails then, not at its timeout.
      expect(await inFlight).toBeInstanceOf(BrokerUnavailable)
      expect(failedAt).toBeLessThanOrEqual(stoppedAt + 1000)
      expect(client.connected).toBe(false)

      // A call that waited for the broker would end in RpcTimeout; this one is refused at once.
      await expect(client.call(service, 'hello', ['during'], {}, { timeoutMs: 60_000 })).rejects.toBeInstanceOf(
        BrokerUnavailable
      )
    } finally {
      await rabbitmqctl('start_app')
    }
    gate.open()

    await waitUntil(() => client.connected, 30_000, 'the client to reconnect')
    await waitForConsumers(`rpc-${service}`, 1, { timeoutMs: 30_000 })
    await expect(client.call(service, 'hello', ['after'])).resolves.toBe('Hello, after!')
    // The request that was in flight at the restart was requeued and has run by now; its
    // late reply must not confuse the client.
    await expect(client.call(service, 'add', [2, 3])).resolves.toBe(5)
    console.info(
      `broker restart: in-flight call failed ${failedAt - stopIssuedAt} ms after stop_app was issued (it took ${stoppedAt - stopIssuedAt} ms)`
    )
  } finally {
    gate.open()
    await client.close()
    await server.stop()
  }
})
