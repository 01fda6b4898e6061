/**
 * Requests that must wait for their time (a crawl's fetch slot) on the real broker: with a
 * paced prefetch they wait on timers, holding neither the one worker nor the one prefetch
 * place, so a request that can run now is answered first; without it, the same requests hold
 * both and the one behind them waits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RpcClient } from '../../src/services/rpc/client'
import { RpcServer } from '../../src/services/rpc/server'
import { silentLogger } from '../../src/services/log'
import { TEST_AMQP_URI, deleteQueues } from '../support/nameko'
import { makeTestService, uniqueServiceName } from './test-services'

const queues: string[] = []
let client: RpcClient

beforeAll(async () => {
  client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 30_000 })
})

afterAll(async () => {
  await client?.close()
  await deleteQueues(queues)
})

/** Three calls for later and one for now, in that order; the order they were answered in. */
async function answerOrder(pacedPrefetch: number): Promise<string[]> {
  const service = uniqueServiceName('rpc_paced')
  queues.push(`rpc-${service}`)
  const waitMs = 1_500
  let at = 0
  let deliveries = 0
  const server = new RpcServer(makeTestService(service), {
    amqpUri: TEST_AMQP_URI,
    logger: silentLogger,
    maxWorkers: 1,
    prefetch: 1,
    pacedPrefetch,
    // The first three deliveries are for later; the fourth (hello) for now.
    notBefore: () => (++deliveries <= 3 ? at : null)
  })
  await server.start()
  const answered: string[] = []
  try {
    at = Date.now() + waitMs
    const later = [1, 2, 3].map((n) => client.call(service, 'add', [n, 0]).then(() => answered.push(`later ${n}`)))
    // Published after the three, so delivered after them on the one consumer.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = client.call(service, 'hello', ['now']).then(() => answered.push('now'))
    await Promise.all([...later, now])
    expect(Date.now()).toBeGreaterThanOrEqual(at)
    return answered
  } finally {
    await server.stop()
  }
}

describe('RpcServer requests that wait for their time', () => {
  it(
    'with a paced prefetch, wait on timers: a request for now is answered before them',
    { timeout: 30_000 },
    async () => {
      const [first, ...rest] = await answerOrder(5)
      expect(first).toBe('now')
      // The three share one time: any order among them.
      expect(rest.sort()).toEqual(['later 1', 'later 2', 'later 3'])
    }
  )

  it(
    'without one, hold the worker and the prefetch: the request for now waits behind them',
    { timeout: 30_000 },
    async () => {
      const order = await answerOrder(0)
      expect(order.indexOf('now')).toBeGreaterThan(0)
    }
  )
})
