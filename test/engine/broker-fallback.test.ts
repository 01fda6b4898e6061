/** Without the management API the broker monitor falls back to AMQP checkQueue (host RabbitMQ). */
import amqp from 'amqplib'
import { afterAll, describe, expect, it } from 'vitest'
import { BrokerMonitor } from '../../src/main/broker/broker-monitor'
import type { BrokerConnectivity } from '../../src/shared/contract'
import { TEST_AMQP_URI } from '../support/nameko'
import { freePort, suffix } from './engine-fixture'

const service = `deck_fallback_${suffix()}`
const queue = `rpc-${service}`
let monitor: BrokerMonitor | null = null

afterAll(async () => {
  await monitor?.stop()
  const conn = await amqp.connect(TEST_AMQP_URI)
  const ch = await conn.createChannel()
  await ch.deleteQueue(queue)
  await conn.close()
})

describe('broker metrics fallback', () => {
  it('reads ready messages and consumers over AMQP and says the management API is unreachable', async () => {
    const conn = await amqp.connect(TEST_AMQP_URI)
    const ch = await conn.createConfirmChannel()
    await ch.assertQueue(queue, { durable: false })
    for (let i = 0; i < 3; i++) ch.sendToQueue(queue, Buffer.from('x'))
    await ch.waitForConfirms()
    await conn.close()

    const deadPort = await freePort()
    monitor = new BrokerMonitor({
      management: { url: `http://127.0.0.1:${deadPort}`, username: 'guest', password: 'guest', timeoutMs: 1000 },
      amqpUri: TEST_AMQP_URI,
      replicas: () => [{ service: 'scraper', rpcService: service, running: 0 }]
    })
    const changes: BrokerConnectivity[] = []
    monitor.on('broker', (b) => changes.push(b))
    const m = await monitor.sample()
    expect(m.source).toBe('amqp')
    expect(m.broker.management.state).toBe('unreachable')
    expect(m.broker.management.message).toContain(`127.0.0.1:${deadPort}`)
    expect(m.broker.amqp.state).toBe('connected')
    expect(m.broker.amqp.endpoint).not.toContain('guest:guest')
    expect(m.queues).toEqual([
      {
        queue,
        service,
        ready: 3,
        unacked: 0,
        consumers: 0,
        publishRate: null,
        deliverRate: null,
        ackRate: null,
        source: 'amqp'
      }
    ])
    expect(m.findings).toEqual([expect.objectContaining({ kind: 'backlog-without-consumers', queue })])
    expect(changes.at(-1)?.amqp.state).toBe('connected')
    expect(monitor.samples().at(-1)?.queues[queue]).toMatchObject({ ready: 3, consumers: 0 })
  })
})
