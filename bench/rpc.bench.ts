/**
 * RPC round-trip benchmark: `npx tsx bench/rpc.bench.ts` (about 30 s; BENCH_SECONDS sets
 * each phase's length per pair, default 4). hello(name) → "Hello, name!" for:
 *   1. our RpcClient → our RpcServer
 *   2. a bare amqplib ping-pong with the same properties (confirm channels, mandatory,
 *      persistent, JSON bodies, ack after confirmed reply): the floor
 *   3. our RpcClient → Python Nameko 2.14.1 `hello_microservice`
 * Client and server of 1 and 2 share this process; Nameko runs in its own.
 */
import { randomUUID } from 'node:crypto'
import { connect } from 'amqplib'
import type { ChannelModel, ConsumeMessage } from 'amqplib'
import { RpcClient } from '../src/services/rpc/client'
import { RpcServer } from '../src/services/rpc/server'
import { silentLogger } from '../src/services/log'
import { TEST_AMQP_URI, deleteQueues, namekoUnavailableReason, startNamekoService } from '../test/support/nameko'
import { encodeRequest, encodeSuccessReply, replyProperties, requestProperties } from '../src/services/rpc/wire'

const PHASE_MS = Number(process.env['BENCH_SECONDS'] ?? 4) * 1000
const SLICES = 10
const IN_FLIGHT = 64
const suffix = randomUUID().slice(0, 8)

type Call = (name: string) => Promise<unknown>

interface Pair {
  name: string
  call: Call
  close: () => Promise<void>
}

interface Stats {
  latencies: number[]
  sequentialMs: number
  concurrentCalls: number
  concurrentMs: number
}

interface Result {
  pair: string
  sequentialPerSecond: number
  p50Ms: number
  p99Ms: number
  concurrentPerSecond: number
}

async function runSequential(pair: Pair, ms: number, stats: Stats): Promise<void> {
  const start = performance.now()
  while (performance.now() - start < ms) {
    const t0 = performance.now()
    await pair.call('Mike')
    stats.latencies.push(performance.now() - t0)
  }
  stats.sequentialMs += performance.now() - start
}

async function runConcurrent(pair: Pair, ms: number, stats: Stats): Promise<void> {
  const start = performance.now()
  const worker = async (): Promise<void> => {
    while (performance.now() - start < ms) {
      await pair.call('Mike')
      stats.concurrentCalls += 1
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  stats.concurrentMs += performance.now() - start
}

/**
 * The machine is shared and its load swings within seconds, so the pairs take turns in
 * short slices: each ratio then compares runs made under the same conditions.
 */
async function measure(pairs: readonly Pair[]): Promise<Result[]> {
  const stats = pairs.map((): Stats => ({ latencies: [], sequentialMs: 0, concurrentCalls: 0, concurrentMs: 0 }))
  for (const pair of pairs) for (let i = 0; i < 200; i++) await pair.call('warmup')
  const sliceMs = PHASE_MS / SLICES
  for (let slice = 0; slice < SLICES; slice++) {
    for (const [i, pair] of pairs.entries()) await runSequential(pair, sliceMs, stats[i] as Stats)
  }
  for (let slice = 0; slice < SLICES; slice++) {
    for (const [i, pair] of pairs.entries()) await runConcurrent(pair, sliceMs, stats[i] as Stats)
  }
  return pairs.map((pair, i) => {
    const { latencies, sequentialMs, concurrentCalls, concurrentMs } = stats[i] as Stats
    latencies.sort((a, b) => a - b)
    const pick = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
    return {
      pair: pair.name,
      sequentialPerSecond: Math.round((latencies.length / sequentialMs) * 1000),
      p50Ms: round2(pick(0.5)),
      p99Ms: round2(pick(0.99)),
      concurrentPerSecond: Math.round((concurrentCalls / concurrentMs) * 1000)
    }
  })
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}

async function setupOurs(): Promise<Pair> {
  const service = `bench_ours_${suffix}`
  const server = new RpcServer(
    { name: service, methods: { hello: { params: ['name'], handler: (name) => `Hello, ${String(name)}!` } } },
    { amqpUri: TEST_AMQP_URI, logger: silentLogger }
  )
  await server.start()
  const client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI })
  return {
    name: 'our client → our server',
    call: (name) => client.call(service, 'hello', [name]),
    async close() {
      await client.close()
      await server.stop()
      await deleteQueues([`rpc-${service}`])
    }
  }
}

/** The least code that speaks the same wire format with the same safety (confirms, acks). */
async function setupBare(): Promise<Pair> {
  const service = `bench_bare_${suffix}`
  const queue = `rpc-${service}`
  const serverConn: ChannelModel = await connect(TEST_AMQP_URI, { noDelay: true })
  const clientConn: ChannelModel = await connect(TEST_AMQP_URI, { noDelay: true })
  const sch = await serverConn.createConfirmChannel()
  await sch.prefetch(10)
  await sch.assertExchange('nameko-rpc', 'topic', { durable: true })
  await sch.assertQueue(queue, { durable: true })
  await sch.bindQueue(queue, 'nameko-rpc', `${service}.*`)
  await sch.consume(queue, (msg) => {
    if (msg === null) return
    const { args } = JSON.parse(msg.content.toString()) as { args: [string] }
    const body = encodeSuccessReply(JSON.stringify(`Hello, ${args[0]}!`))
    sch.publish('nameko-rpc', msg.properties.replyTo as string, body, replyProperties(msg.properties.correlationId as string, 'application/json'), (err) => {
      if (!err) sch.ack(msg)
    })
  })

  const cch = await clientConn.createConfirmChannel()
  const replyKey = randomUUID()
  const { queue: replyQueue } = await cch.assertQueue('', { exclusive: true })
  await cch.bindQueue(replyQueue, 'nameko-rpc', replyKey)
  const pending = new Map<string, (value: unknown) => void>()
  await cch.consume(
    replyQueue,
    (msg: ConsumeMessage | null) => {
      if (msg === null) return
      const id = msg.properties.correlationId as string
      pending.get(id)?.((JSON.parse(msg.content.toString()) as { result: unknown }).result)
      pending.delete(id)
    },
    { noAck: true }
  )
  const call: Call = (name) =>
    new Promise((resolve) => {
      const id = randomUUID()
      pending.set(id, resolve)
      cch.publish('nameko-rpc', `${service}.hello`, encodeRequest([name], {}), requestProperties(id, replyKey, {}), () => {})
    })
  return {
    name: 'bare amqplib ping-pong (floor)',
    call,
    async close() {
      await clientConn.close()
      await serverConn.close()
      await deleteQueues([queue])
    }
  }
}

async function setupNameko(): Promise<Pair | null> {
  const reason = namekoUnavailableReason()
  if (reason !== null) {
    console.error(`skipping our client → Nameko: ${reason}`)
    return null
  }
  const nameko = await startNamekoService({ module: 'hello', serviceName: 'hello_microservice' })
  const client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI })
  return {
    name: 'our client → Python Nameko 2.14.1',
    call: (name) => client.call('hello_microservice', 'hello', [name]),
    async close() {
      await client.close()
      await nameko.stop()
      await deleteQueues(['rpc-hello_microservice'], { ifUnused: true })
    }
  }
}

const pairs: Pair[] = []
let results: Result[]
try {
  pairs.push(await setupBare(), await setupOurs())
  const nameko = await setupNameko()
  if (nameko !== null) pairs.push(nameko)
  results = await measure(pairs)
} finally {
  for (const pair of pairs) await pair.close()
}
const floor = results[0] as Result
console.log(`\n${PHASE_MS / 1000} s per phase and pair, in ${SLICES} interleaved slices; ${new Date().toISOString()}`)
console.log(`| pair | sequential calls/s | p50 | p99 | ${IN_FLIGHT} in flight, calls/s | seq. vs floor | ${IN_FLIGHT}-in-flight vs floor |`)
console.log('|---|---|---|---|---|---|---|')
for (const r of results) {
  const seqRatio = (r.sequentialPerSecond / floor.sequentialPerSecond).toFixed(2)
  const concRatio = (r.concurrentPerSecond / floor.concurrentPerSecond).toFixed(2)
  console.log(`| ${r.pair} | ${r.sequentialPerSecond} | ${r.p50Ms} ms | ${r.p99Ms} ms | ${r.concurrentPerSecond} | ${seqRatio} | ${concRatio} |`)
}
