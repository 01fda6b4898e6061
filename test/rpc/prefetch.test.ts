/**
 * An RpcServer whose prefetch exceeds its workers, on the real broker: it runs no more than
 * maxWorkers calls at once, holds the rest unacked, and hands those back when it stops, so
 * another server answers them and no call is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect } from 'amqplib'
import type { Channel, ChannelModel } from 'amqplib'
import { RpcClient } from '../../src/services/rpc/client'
import { RpcServer } from '../../src/services/rpc/server'
import { silentLogger } from '../../src/services/log'
import { TEST_AMQP_URI, deleteQueues } from '../support/nameko'
import { makeGate, makeTestService, uniqueServiceName, waitUntil } from './test-services'

const service = uniqueServiceName('rpc_prefetch')
const queue = `rpc-${service}`
let client: RpcClient
let probe: ChannelModel
let channel: Channel

beforeAll(async () => {
  client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 30_000 })
  probe = await connect(TEST_AMQP_URI)
  channel = await probe.createChannel()
})

afterAll(async () => {
  await client?.close()
  await probe?.close()
  await deleteQueues([queue])
})

/** Ready (not delivered) requests on the service queue. */
async function ready(): Promise<number> {
  return (await channel.checkQueue(queue)).messageCount
}

describe('RpcServer with prefetch above maxWorkers', () => {
  it(
    'runs maxWorkers calls at once, holds prefetch, and gives back the waiting ones when it stops',
    { timeout: 60_000 },
    async () => {
      const gate = makeGate()
      const started: unknown[] = []
      const tracked = { started: (value: unknown) => (started.push(value), gate.started(value)), release: gate.release }
      const first = new RpcServer(makeTestService(service, tracked), {
        amqpUri: TEST_AMQP_URI,
        logger: silentLogger,
        maxWorkers: 2,
        prefetch: 4
      })
      await first.start()
      let second: RpcServer | null = null
      try {
        const calls = [1, 2, 3, 4, 5, 6].map((n) => client.call(service, 'slow', [n]))
        await gate.waitForStarts(2)
        // Four delivered (two running, two waiting for a worker), two still on the queue.
        await waitUntil(async () => (await ready()) === 2, 10_000, 'two requests left on the queue')
        expect(started).toHaveLength(2)

        const stopping = first.stop()
        // The two waiting ones go back to the queue at once; the two running ones finish first.
        // Had the server started them (more than maxWorkers at once), they would not come back.
        await waitUntil(async () => (await ready()) === 4, 10_000, 'the waiting requests back on the queue')
        expect(started).toHaveLength(2)
        gate.open()
        await stopping

        second = new RpcServer(makeTestService(service, tracked), {
          amqpUri: TEST_AMQP_URI,
          logger: silentLogger,
          maxWorkers: 2,
          prefetch: 4
        })
        await second.start()
        await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3, 4, 5, 6])
        // Each call ran once: the handed-back ones had never started.
        expect([...started].sort()).toEqual([1, 2, 3, 4, 5, 6])
      } finally {
        gate.open()
        await first.stop()
        await second?.stop()
      }
    }
  )

  it('takes prefetch below maxWorkers as maxWorkers', async () => {
    const local = uniqueServiceName('rpc_prefetch_low')
    const gate = makeGate()
    const server = new RpcServer(makeTestService(local, gate), {
      amqpUri: TEST_AMQP_URI,
      logger: silentLogger,
      maxWorkers: 3,
      prefetch: 1
    })
    await server.start()
    try {
      const calls = [1, 2, 3].map((n) => client.call(local, 'slow', [n]))
      await gate.waitForStarts(3)
      gate.open()
      await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3])
    } finally {
      gate.open()
      await server.stop()
      await deleteQueues([`rpc-${local}`])
    }
  })
})
