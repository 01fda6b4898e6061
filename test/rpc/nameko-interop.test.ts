/** Interop with real Python Nameko 2.14.1, both ways, including errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { connect } from 'amqplib'
import { RpcClient } from '../../src/services/rpc/client'
import { countedProperties } from '../../src/services/rpc/delivery-count'
import { DEFAULT_EXCHANGE, EXCHANGE_OPTIONS, encodeRequest, requestProperties } from '../../src/services/rpc/wire'
import { RpcServer } from '../../src/services/rpc/server'
import { crawlReplyHeaders } from '../../src/services/crawler/crawl-control'
import { IncorrectSignature, MethodNotFound, RemoteError } from '../../src/services/rpc/errors'
import { silentLogger } from '../../src/services/log'
import {
  TEST_AMQP_URI,
  deleteQueues,
  namekoUnavailableReason,
  runClusterRpcProxy,
  startNamekoService
} from '../support/nameko'
import type { NamekoService } from '../support/nameko'
import { makeTestService, uniqueServiceName } from './test-services'
import { requiredPart } from '../support/required-part'

const skipReason = requiredPart('Python Nameko', namekoUnavailableReason())
/** A redelivered request as our server sees it, for the counted copy it would publish. */
const REDELIVERED = { properties: { headers: {} } } as unknown as Parameters<typeof countedProperties>[0]

describe.skipIf(skipReason !== null)('our client → Python Nameko', () => {
  const pythonService = uniqueServiceName('py_interop')
  let hello: NamekoService
  let interop: NamekoService
  let client: RpcClient

  beforeAll(async () => {
    ;[hello, interop] = await Promise.all([
      startNamekoService({ module: 'hello', serviceName: 'hello_microservice' }),
      startNamekoService({
        module: 'interop',
        serviceName: pythonService,
        env: { INTEROP_SERVICE_NAME: pythonService }
      })
    ])
    client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 15_000 })
  })

  afterAll(async () => {
    await client?.close()
    await Promise.all([hello?.stop(), interop?.stop()])
    // hello_microservice's name is fixed by the spec: only delete its queue if nobody else uses it.
    await deleteQueues(['rpc-hello_microservice'], { ifUnused: true })
    await deleteQueues([`rpc-${pythonService}`])
  })

  it('calls hello_microservice.hello("Mike")', async () => {
    await expect(client.call('hello_microservice', 'hello', ['Mike'])).resolves.toBe('Hello, Mike!')
  })

  it('passes kwargs through', async () => {
    await expect(client.call(pythonService, 'echo', [], { value: [1, 'a'], more: { x: null } })).resolves.toEqual({
      value: [1, 'a'],
      extra: { more: { x: null } }
    })
  })

  it('gets a Python ValueError as RemoteError with its fields', async () => {
    const err = await client.call(pythonService, 'fail').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RemoteError)
    expect(err).toMatchObject({
      excType: 'ValueError',
      excPath: 'builtins.ValueError',
      excArgs: ['bad', '42'],
      value: "('bad', 42)"
    })
  })

  it('answers a counted copy (our delivery-count header), as a queue shared with our replicas hands it over', async () => {
    const connection = await connect(TEST_AMQP_URI)
    try {
      const channel = await connection.createChannel()
      await channel.assertExchange(DEFAULT_EXCHANGE, 'topic', EXCHANGE_OPTIONS)
      const replyKey = randomUUID()
      const { queue } = await channel.assertQueue('', { exclusive: true })
      await channel.bindQueue(queue, DEFAULT_EXCHANGE, replyKey)
      const reply = new Promise<string>(
        (resolve) =>
          void channel.consume(queue, (msg) => msg !== null && resolve(msg.content.toString()), { noAck: true })
      )
      // 460 as a number would go out as AMQP type "s" (0x01CC), which py-amqp reads as a
      // one-byte string 0xCC and fails to decode (delivery-count.ts); we send it as a string.
      const properties = requestProperties(randomUUID(), replyKey, countedProperties(REDELIVERED, 460).headers ?? {})
      channel.publish(DEFAULT_EXCHANGE, 'hello_microservice.hello', encodeRequest(['Counted'], {}), properties)
      expect(JSON.parse(await reply)).toEqual({ result: 'Hello, Counted!', error: null })
    } finally {
      await connection.close()
    }
  })

  it('gets Nameko MethodNotFound and IncorrectSignature as our classes', async () => {
    await expect(client.call(pythonService, 'nosuch')).rejects.toMatchObject({
      constructor: MethodNotFound,
      value: 'nosuch'
    })
    const err = await client.call(pythonService, 'hello', []).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IncorrectSignature)
    expect((err as IncorrectSignature).value).toContain("missing 1 required positional argument: 'name'")
  })
})

describe.skipIf(skipReason !== null)('Python ClusterRpcProxy → our server', () => {
  const service = uniqueServiceName('ts_interop')
  let server: RpcServer

  beforeAll(async () => {
    // As the scraper runs: with the replica headers a crawl reads on every reply.
    server = new RpcServer(makeTestService(service), {
      amqpUri: TEST_AMQP_URI,
      logger: silentLogger,
      replica: 'interop-replica',
      replyHeaders: (tookMs) => crawlReplyHeaders('interop-replica', tookMs)
    })
    await server.start()
  })

  it('decodes a reply that carries our replica and handler-time headers (a time of 128 ms or more broke py-amqp as a number)', async () => {
    // ~200 ms: as an integer header its low byte (0xC8…) is not UTF-8 for py-amqp.
    const result = await runClusterRpcProxy(`print(json.dumps(n["${service}"].sleep(200)))`)
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toBe(200)
  })

  afterAll(async () => {
    await server?.stop()
    await deleteQueues([`rpc-${service}`])
  })

  it('answers positional and keyword calls', async () => {
    const result = await runClusterRpcProxy(
      `svc = n["${service}"]\nprint(json.dumps([svc.hello("Mike"), svc.greet("Bo", greeting="Yo"), svc.add(a=2, b=3)]))`
    )
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual(['Hello, Mike!', 'Yo, Bo', 5])
  })

  it('raises nameko.exceptions.MethodNotFound and IncorrectSignature in Python', async () => {
    const result = await runClusterRpcProxy(
      [
        'from nameko.exceptions import MethodNotFound, IncorrectSignature',
        `svc = n["${service}"]`,
        'try:',
        '    svc.nosuch()',
        'except MethodNotFound as e:',
        '    print("MethodNotFound", e)',
        'try:',
        '    svc.hello()',
        'except IncorrectSignature as e:',
        '    print("IncorrectSignature", e)'
      ].join('\n')
    )
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(
      "MethodNotFound nosuch\nIncorrectSignature hello() missing 1 required positional argument: 'name'\n"
    )
  })

  it('raises RemoteError in Python for a handler error', async () => {
    const result = await runClusterRpcProxy(
      [
        'from nameko.exceptions import RemoteError',
        'try:',
        `    n["${service}"].fail("listing 7 is gone")`,
        'except RemoteError as e:',
        '    print(json.dumps([type(e).__name__, e.exc_type, e.value, str(e)]))'
      ].join('\n')
    )
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual([
      'RemoteError',
      'ListingGone',
      'listing 7 is gone',
      'ListingGone listing 7 is gone'
    ])
  })
})
