/** Our RpcClient against our RpcServer on the real broker. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect } from 'amqplib'
import type { ChannelModel } from 'amqplib'
import { randomUUID } from 'node:crypto'
import { RpcClient } from '../../src/services/rpc/client'
import { RpcServer } from '../../src/services/rpc/server'
import {
  BrokerUnavailable,
  IncorrectSignature,
  MethodNotFound,
  RemoteError,
  RpcTimeout,
  UnknownService
} from '../../src/services/rpc/errors'
import { silentLogger } from '../../src/services/log'
import { TEST_AMQP_URI, deleteQueues, waitForConsumers } from '../support/nameko'
import { makeGate, makeTestService, uniqueServiceName, waitUntil } from './test-services'

const service = uniqueServiceName('rpc_rt')
const gate = makeGate()
let server: RpcServer
let client: RpcClient

beforeAll(async () => {
  server = new RpcServer(makeTestService(service, gate), { amqpUri: TEST_AMQP_URI, logger: silentLogger })
  await server.start()
  client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 10_000 })
})

afterAll(async () => {
  gate.open()
  await client?.close()
  await server?.stop()
  await deleteQueues([`rpc-${service}`])
})

describe('TS client ↔ TS server', () => {
  it('round-trips a call with positional and keyword arguments', async () => {
    expect(client.connected).toBe(true)
    await expect(client.call(service, 'hello', ['Mike'])).resolves.toBe('Hello, Mike!')
    await expect(client.call(service, 'hello', [], { name: 'Ann' })).resolves.toBe('Hello, Ann!')
    await expect(client.call(service, 'greet', ['Bo'])).resolves.toBe('Hi, Bo')
    await expect(client.call(service, 'greet', ['Bo'], { greeting: 'Yo' })).resolves.toBe('Yo, Bo')
  })

  it('keeps many calls in flight and matches each reply to its call', async () => {
    const calls = Array.from({ length: 200 }, (_, i) => client.call<number>(service, 'add', [i, 1000]))
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1000))
  })

  it('times out with RpcTimeout, and a late reply does no harm', async () => {
    // A call that ignored its timeout would resolve with the handler's answer after 600 ms.
    const err = await client.call(service, 'sleep', [600], {}, { timeoutMs: 150 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RpcTimeout)
    expect(err).toMatchObject({ service, method: 'sleep', timeoutMs: 150 })
    await new Promise((resolve) => setTimeout(resolve, 600))
    await expect(client.call(service, 'hello', ['after'])).resolves.toBe('Hello, after!')
  })

  it('answers an unknown method with MethodNotFound', async () => {
    const err = await client.call(service, 'nosuch').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MethodNotFound)
    expect(err).toMatchObject({
      excType: 'MethodNotFound',
      excPath: 'nameko.exceptions.MethodNotFound',
      value: 'nosuch',
      excArgs: ['nosuch']
    })
  })

  it('does not expose inherited object members as methods', async () => {
    await expect(client.call(service, 'toString')).rejects.toBeInstanceOf(MethodNotFound)
  })

  it('answers wrong arity and unknown keywords with IncorrectSignature', async () => {
    await expect(client.call(service, 'hello', [])).rejects.toMatchObject({
      constructor: IncorrectSignature,
      value: "hello() missing 1 required positional argument: 'name'"
    })
    await expect(client.call(service, 'hello', ['a', 'b'])).rejects.toBeInstanceOf(IncorrectSignature)
    await expect(client.call(service, 'hello', ['a'], { nme: 'x' })).rejects.toMatchObject({
      value: "hello() got an unexpected keyword argument 'nme'"
    })
  })

  it('turns a handler error into RemoteError with its name, excPath and message', async () => {
    const err = await client.call(service, 'fail', ['listing 7 is gone']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RemoteError)
    expect(err).toMatchObject({
      excType: 'ListingGone',
      excPath: 'scrapedeck.test.ListingGone',
      value: 'listing 7 is gone',
      excArgs: ['listing 7 is gone']
    })
    await expect(client.call(service, 'crash')).rejects.toMatchObject({
      excType: 'TypeError',
      excPath: 'scrapedeck.TypeError',
      value: 'handler bug'
    })
  })

  it('answers a result JSON cannot hold with UnserializableValueError', async () => {
    await expect(client.call(service, 'bigint')).rejects.toMatchObject({
      excType: 'UnserializableValueError',
      excPath: 'nameko.exceptions.UnserializableValueError',
      value: 'Unserializable value: `10n`'
    })
  })

  it('refuses arguments JSON cannot hold before sending anything', async () => {
    await expect(client.call(service, 'hello', [10n])).rejects.toThrow(/cannot be sent as JSON/)
  })

  it('reports a service nobody declared as UnknownService', async () => {
    const started = Date.now()
    const err = await client.call(uniqueServiceName('nobody_home'), 'hello', ['x']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnknownService)
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

describe('poison requests', () => {
  let raw: ChannelModel

  beforeAll(async () => {
    raw = await connect(TEST_AMQP_URI)
  })
  afterAll(async () => {
    await raw?.close()
  })

  /** Publishes a hand-made request and returns the reply body, or null if none comes. */
  async function rawRequest(
    content: string,
    properties: Record<string, unknown>,
    withReplyTo = true
  ): Promise<unknown> {
    const channel = await raw.createChannel()
    const replyKey = randomUUID()
    const { queue } = await channel.assertQueue('', { exclusive: true })
    await channel.bindQueue(queue, 'nameko-rpc', replyKey)
    const reply = new Promise<unknown>((resolve) => {
      void channel.consume(queue, (msg) => resolve(msg === null ? null : JSON.parse(msg.content.toString())), {
        noAck: true
      })
      setTimeout(() => resolve(null), 1500)
    })
    channel.publish('nameko-rpc', `${service}.hello`, Buffer.from(content), {
      correlationId: randomUUID(),
      ...(withReplyTo ? { replyTo: replyKey } : {}),
      ...properties
    })
    const body = await reply
    await channel.close()
    return body
  }

  it('drops a request without reply_to and keeps serving', async () => {
    expect(await rawRequest('{"args":["x"],"kwargs":{}}', { contentType: 'application/json' }, false)).toBeNull()
    await expect(client.call(service, 'hello', ['still here'])).resolves.toBe('Hello, still here!')
  })

  it('refuses a content type other than exactly application/json, with a reply', async () => {
    const body = await rawRequest('{"args":["x"],"kwargs":{}}', { contentType: 'application/json; charset=utf-8' })
    expect(body).toMatchObject({ result: null, error: { exc_type: 'ContentDisallowed' } })
    expect(await rawRequest('{"args":["x"],"kwargs":{}}', {})).toMatchObject({
      error: { exc_type: 'ContentDisallowed' }
    })
  })

  it('answers bad JSON and missing kwargs with MalformedRequest', async () => {
    expect(await rawRequest('{not json', { contentType: 'application/json' })).toMatchObject({
      error: { exc_type: 'MalformedRequest', exc_path: 'nameko.exceptions.MalformedRequest' }
    })
    expect(await rawRequest('{"args":["x"]}', { contentType: 'application/json' })).toMatchObject({
      error: { exc_type: 'MalformedRequest', value: 'Message missing `args` or `kwargs`' }
    })
    // Nothing is left behind or requeued, and the consumer survived.
    const channel = await raw.createChannel()
    const { messageCount, consumerCount } = await channel.checkQueue(`rpc-${service}`)
    await channel.close()
    expect({ messageCount, consumerCount }).toEqual({ messageCount: 0, consumerCount: 1 })
  })
})

async function consumersOf(queue: string): Promise<number> {
  const probe = await connect(TEST_AMQP_URI)
  try {
    return (await (await probe.createChannel()).checkQueue(queue)).consumerCount
  } finally {
    await probe.close()
  }
}

describe('lifecycle', () => {
  it('finishes in-flight calls (reply and ack) before closing', async () => {
    const local = uniqueServiceName('rpc_stop')
    const localGate = makeGate()
    const localServer = new RpcServer(makeTestService(local, localGate), {
      amqpUri: TEST_AMQP_URI,
      logger: silentLogger,
      maxWorkers: 5
    })
    await localServer.start()
    try {
      const calls = [1, 2, 3, 4, 5].map((n) => client.call(local, 'slow', [n]))
      await localGate.waitForStarts(5)
      let stopped = false
      const stopping = localServer.stop().then(() => (stopped = true))
      // Stopping has begun (the consumer is gone) and must still wait for the five in flight.
      await waitUntil(
        async () => (await consumersOf(`rpc-${local}`)) === 0,
        10_000,
        'the server to cancel its consumer'
      )
      expect(stopped).toBe(false)
      localGate.open()
      await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3, 4, 5])
      await stopping
      const probe = await connect(TEST_AMQP_URI)
      const channel = await probe.createChannel()
      const { messageCount, consumerCount } = await channel.checkQueue(`rpc-${local}`)
      await probe.close()
      expect({ messageCount, consumerCount }).toEqual({ messageCount: 0, consumerCount: 0 })
    } finally {
      localGate.open()
      await localServer.stop()
      await deleteQueues([`rpc-${local}`])
    }
  })

  it('re-declares its queue and consumes again if the queue is deleted under it', async () => {
    const local = uniqueServiceName('rpc_redeclare')
    const localServer = new RpcServer(makeTestService(local), { amqpUri: TEST_AMQP_URI, logger: silentLogger })
    await localServer.start()
    try {
      await expect(client.call(local, 'hello', ['one'])).resolves.toBe('Hello, one!')
      await deleteQueues([`rpc-${local}`])
      await waitForConsumers(`rpc-${local}`, 1, { timeoutMs: 10_000 })
      await expect(client.call(local, 'hello', ['two'])).resolves.toBe('Hello, two!')
    } finally {
      await localServer.stop()
      await deleteQueues([`rpc-${local}`])
    }
  })

  it('fails calls after close with BrokerUnavailable', async () => {
    const other = await RpcClient.connect({ amqpUri: TEST_AMQP_URI })
    await other.close()
    expect(other.connected).toBe(false)
    await expect(other.call(service, 'hello', ['x'])).rejects.toBeInstanceOf(BrokerUnavailable)
  })

  it('fails connect to a dead port fast with BrokerUnavailable', async () => {
    await expect(RpcClient.connect({ amqpUri: 'amqp://guest:guest@127.0.0.1:1' })).rejects.toBeInstanceOf(
      BrokerUnavailable
    )
  })
})
