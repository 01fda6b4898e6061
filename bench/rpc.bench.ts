/**
 * RPC round-trip benchmark: `npx tsx bench/rpc.bench.ts` (about 2 min; BENCH_SECONDS sets
 * each phase's length per pair, default 3). hello(name) → "Hello, name!", sequential and with
 * 64 calls in flight, for:
 *   - the floor: a bare amqplib ping-pong with our properties and safety (confirm channels
 *     both ways, mandatory, persistent, JSON bodies, ack after the confirmed reply)
 *   - our RpcClient → our RpcServer, our RpcClient → Python Nameko
 *   - Python Nameko ClusterRpcProxy → Python Nameko service (the original design), and
 *     ClusterRpcProxy → our RpcServer (bench/peers/nameko_rpc_driver.py, call_async window)
 *   - 64 in flight only: floor variants that say what each safety costs (transient messages,
 *     no reply confirm, direct reply-to, prefetch 64), and our server with prefetch 20 (the
 *     scraper's setting) and with maxWorkers 64.
 * The pairs take turns in slices. Prints the table and ours↔ours ÷ Nameko↔Nameko.
 */
import { randomUUID } from 'node:crypto'
import { connect } from 'amqplib'
import type { ChannelModel, ConsumeMessage, Options } from 'amqplib'
import { RpcClient } from '../src/services/rpc/client'
import { RpcServer } from '../src/services/rpc/server'
import { silentLogger } from '../src/services/log'
import { TEST_AMQP_URI, deleteQueues, startNamekoService } from '../test/support/nameko'
import { encodeRequest, encodeSuccessReply, replyProperties, requestProperties } from '../src/services/rpc/wire'
import { PEERS_DIR, benchVenvBin, startLinePeer } from './support/python-peers'
import type { LinePeer } from './support/python-peers'
import { machineLine } from './support/machine'

const PHASE_MS = Number(process.env['BENCH_SECONDS'] ?? 3) * 1000
const SLICES = 10
const IN_FLIGHT = 64
const suffix = randomUUID().slice(0, 8)

type Call = (name: string) => Promise<unknown>

interface Stats {
  latencies: number[]
  sequentialMs: number
  concurrentCalls: number
  concurrentMs: number
}

interface Pair {
  name: string
  /** Floor variants: only the 64-in-flight phase is theirs to show. */
  concurrentOnly?: boolean
  warmup: () => Promise<void>
  sequential: (ms: number, stats: Stats) => Promise<void>
  concurrent: (ms: number, stats: Stats) => Promise<void>
  close: () => Promise<void>
}

interface Result {
  pair: string
  calls: number
  sequentialPerSecond: number
  p50Ms: number
  p99Ms: number
  concurrentCalls: number
  concurrentPerSecond: number
}

/** A JS caller's pair: the bench times its calls itself. */
function jsPair(name: string, call: Call, close: () => Promise<void>, concurrentOnly = false): Pair {
  return {
    name,
    concurrentOnly,
    warmup: async () => {
      for (let i = 0; i < 200; i++) await call('warmup')
    },
    async sequential(ms, stats) {
      const start = performance.now()
      while (performance.now() - start < ms) {
        const t0 = performance.now()
        await call('Mike')
        stats.latencies.push(performance.now() - t0)
      }
      stats.sequentialMs += performance.now() - start
    },
    async concurrent(ms, stats) {
      const start = performance.now()
      const worker = async (): Promise<void> => {
        while (performance.now() - start < ms) {
          await call('Mike')
          stats.concurrentCalls += 1
        }
      }
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
      stats.concurrentMs += performance.now() - start
    },
    close
  }
}

interface DriverAnswer {
  calls: number
  ms: number
  latencies: number[]
}

/** A Nameko ClusterRpcProxy caller's pair: the Python driver times its own calls. */
function pythonPair(name: string, driver: LinePeer, service: string, close: () => Promise<void>): Pair {
  return {
    name,
    warmup: async () => {
      await driver.ask(`warmup ${service} 200`)
    },
    async sequential(ms, stats) {
      const answer = await driver.ask<DriverAnswer>(`seq ${service} ${ms}`)
      stats.latencies.push(...answer.latencies)
      stats.sequentialMs += answer.ms
    },
    async concurrent(ms, stats) {
      const answer = await driver.ask<DriverAnswer>(`conc ${service} ${ms} ${IN_FLIGHT}`)
      stats.concurrentCalls += answer.calls
      stats.concurrentMs += answer.ms
    },
    close
  }
}

/**
 * The machine is shared and its load swings within seconds, so the pairs take turns in
 * short slices: each ratio then compares runs made under the same conditions.
 */
async function measure(pairs: readonly Pair[]): Promise<Result[]> {
  const stats = pairs.map((): Stats => ({ latencies: [], sequentialMs: 0, concurrentCalls: 0, concurrentMs: 0 }))
  for (const pair of pairs) await pair.warmup()
  const sliceMs = PHASE_MS / SLICES
  for (let slice = 0; slice < SLICES; slice++) {
    for (const [i, pair] of pairs.entries())
      if (pair.concurrentOnly !== true) await pair.sequential(sliceMs, stats[i] as Stats)
  }
  for (let slice = 0; slice < SLICES; slice++) {
    for (const [i, pair] of pairs.entries()) await pair.concurrent(sliceMs, stats[i] as Stats)
  }
  return pairs.map((pair, i) => {
    const { latencies, sequentialMs, concurrentCalls, concurrentMs } = stats[i] as Stats
    latencies.sort((a, b) => a - b)
    const pick = (q: number): number =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
    return {
      pair: pair.name,
      calls: latencies.length,
      sequentialPerSecond: sequentialMs > 0 ? Math.round((latencies.length / sequentialMs) * 1000) : NaN,
      p50Ms: round2(pick(0.5)),
      p99Ms: round2(pick(0.99)),
      concurrentCalls,
      concurrentPerSecond: Math.round((concurrentCalls / concurrentMs) * 1000)
    }
  })
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}

/** Our server's concurrency settings: default (10 workers, prefetch 10), or a variant. */
interface OurServerVariant {
  maxWorkers?: number
  prefetch?: number
}

async function startOurServer(service: string, variant: OurServerVariant = {}): Promise<RpcServer> {
  const server = new RpcServer(
    { name: service, methods: { hello: { params: ['name'], handler: (name) => `Hello, ${String(name)}!` } } },
    { amqpUri: TEST_AMQP_URI, logger: silentLogger, ...variant }
  )
  await server.start()
  return server
}

async function setupOurs(label: string, variant?: OurServerVariant): Promise<Pair> {
  const service = `bench_ours${variant?.maxWorkers ?? ''}${variant?.prefetch ?? ''}_${suffix}`
  const server = await startOurServer(service, variant)
  const client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI })
  return jsPair(
    label,
    (name) => client.call(service, 'hello', [name]),
    async () => {
      await client.close()
      await server.stop()
      await deleteQueues([`rpc-${service}`])
    },
    variant !== undefined
  )
}

interface FloorVariant {
  label: string
  /** delivery_mode 1 on requests and replies (Nameko sends 2). */
  transient?: boolean
  /** Ack the request right after publishing the reply, without waiting for its confirm. */
  noReplyConfirm?: boolean
  /** RabbitMQ's direct reply-to (amq.rabbitmq.reply-to): Nameko replies to its exchange, so no Nameko peer can use it. */
  directReplyTo?: boolean
  prefetch?: number
}

/** The least code that speaks the same wire format with the same safety (confirms, acks), or a variant of it. */
async function setupBare(variant: FloorVariant, concurrentOnly: boolean): Promise<Pair> {
  const service = `bench_bare_${randomUUID().slice(0, 8)}`
  const queue = `rpc-${service}`
  const serverConn: ChannelModel = await connect(TEST_AMQP_URI, { noDelay: true })
  const clientConn: ChannelModel = await connect(TEST_AMQP_URI, { noDelay: true })
  const sch = await serverConn.createConfirmChannel()
  await sch.prefetch(variant.prefetch ?? 10)
  await sch.assertExchange('nameko-rpc', 'topic', { durable: true })
  await sch.assertQueue(queue, { durable: true })
  await sch.bindQueue(queue, 'nameko-rpc', `${service}.*`)
  const deliveryMode = (props: Options.Publish): Options.Publish =>
    variant.transient === true ? { ...props, deliveryMode: 1 } : props
  await sch.consume(queue, (msg) => {
    if (msg === null) return
    const { args } = JSON.parse(msg.content.toString()) as { args: [string] }
    const body = encodeSuccessReply(JSON.stringify(`Hello, ${args[0]}!`))
    const props = deliveryMode(replyProperties(msg.properties.correlationId as string, 'application/json'))
    const replyTo = msg.properties.replyTo as string
    const [exchange, key] = variant.directReplyTo === true ? ['', replyTo] : ['nameko-rpc', replyTo]
    if (variant.noReplyConfirm === true) {
      sch.publish(exchange, key, body, props)
      sch.ack(msg)
    } else {
      sch.publish(exchange, key, body, props, (err) => {
        if (!err) sch.ack(msg)
      })
    }
  })

  const cch = await clientConn.createConfirmChannel()
  const pending = new Map<string, (value: unknown) => void>()
  const onReply = (msg: ConsumeMessage | null): void => {
    if (msg === null) return
    const id = msg.properties.correlationId as string
    pending.get(id)?.((JSON.parse(msg.content.toString()) as { result: unknown }).result)
    pending.delete(id)
  }
  let replyKey: string
  if (variant.directReplyTo === true) {
    replyKey = 'amq.rabbitmq.reply-to'
    await cch.consume(replyKey, onReply, { noAck: true })
  } else {
    replyKey = randomUUID()
    const { queue: replyQueue } = await cch.assertQueue('', { exclusive: true })
    await cch.bindQueue(replyQueue, 'nameko-rpc', replyKey)
    await cch.consume(replyQueue, onReply, { noAck: true })
  }
  const call: Call = (name) =>
    new Promise((resolve) => {
      const id = randomUUID()
      pending.set(id, resolve)
      cch.publish(
        'nameko-rpc',
        `${service}.hello`,
        encodeRequest([name], {}),
        deliveryMode(requestProperties(id, replyKey, {})),
        () => {}
      )
    })
  return jsPair(
    variant.label,
    call,
    async () => {
      await clientConn.close()
      await serverConn.close()
      await deleteQueues([queue])
    },
    concurrentOnly
  )
}

const pairs: Pair[] = []
const cleanups: (() => Promise<void>)[] = []
let results: Result[]
const startedAt = new Date().toISOString()
const machine = machineLine()
try {
  const bin = benchVenvBin()
  const namekoService = `bench_nameko_${suffix}`
  const nameko = await startNamekoService({
    module: 'hello_bench',
    serviceName: namekoService,
    cwd: PEERS_DIR,
    env: { BENCH_SERVICE_NAME: namekoService },
    bin,
    timeoutMs: 60_000
  })
  cleanups.push(async () => {
    await nameko.stop()
    await deleteQueues([`rpc-${namekoService}`])
  })
  const driver = await startLinePeer('nameko_rpc_driver.py', [TEST_AMQP_URI])
  cleanups.push(() => driver.stop())
  const oursForNameko = `bench_ours_for_nameko_${suffix}`
  const ourServerForNameko = await startOurServer(oursForNameko)
  cleanups.push(async () => {
    await ourServerForNameko.stop()
    await deleteQueues([`rpc-${oursForNameko}`])
  })
  const ourClientForNameko = await RpcClient.connect({ amqpUri: TEST_AMQP_URI })
  cleanups.push(() => ourClientForNameko.close())

  pairs.push(
    await setupBare({ label: 'floor: bare amqplib ping-pong' }, false),
    await setupOurs('our client → our server'),
    pythonPair('Nameko ClusterRpcProxy → Nameko service', driver, namekoService, async () => {}),
    pythonPair('Nameko ClusterRpcProxy → our server', driver, oursForNameko, async () => {}),
    jsPair(
      'our client → Nameko service',
      (name) => ourClientForNameko.call(namekoService, 'hello', [name]),
      async () => {}
    ),
    await setupBare({ label: 'floor, transient replies', transient: true }, true),
    await setupBare({ label: 'floor, reply not awaited before ack', noReplyConfirm: true }, true),
    await setupBare({ label: 'floor, prefetch 64', prefetch: 64 }, true),
    await setupBare({ label: 'floor, prefetch 64 + transient replies', prefetch: 64, transient: true }, true),
    await setupBare({ label: 'floor, direct reply-to (not Nameko-compatible)', directReplyTo: true }, true),
    await setupOurs("our client → our server, prefetch 20 (the scraper's: 2 × its 10 workers)", { prefetch: 20 }),
    await setupOurs('our client → our server, maxWorkers 64', { maxWorkers: 64 })
  )
  results = await measure(pairs)
} finally {
  for (const pair of pairs) await pair.close()
  for (const cleanup of cleanups.reverse()) await cleanup()
}
const byName = (prefix: string): Result => results.find((r) => r.pair.startsWith(prefix)) as Result
const floor = byName('floor: bare')
const ours = byName('our client → our server')
const namekoPair = byName('Nameko ClusterRpcProxy → Nameko')
console.log(`\nrpc bench ${startedAt}; ${machine}`)
console.log(
  `command: npx tsx bench/rpc.bench.ts (BENCH_SECONDS=${PHASE_MS / 1000}, ${SLICES} interleaved slices per phase)`
)
console.log(
  `| pair | sequential calls/s | p50 | p99 | ${IN_FLIGHT} in flight, calls/s | seq. vs floor | ${IN_FLIGHT}-in-flight vs floor |`
)
console.log('|---|---|---|---|---|---|---|')
for (const r of results) {
  const seq = Number.isNaN(r.sequentialPerSecond) ? '–' : String(r.sequentialPerSecond)
  const seqRatio = Number.isNaN(r.sequentialPerSecond)
    ? '–'
    : (r.sequentialPerSecond / floor.sequentialPerSecond).toFixed(2)
  const concRatio = (r.concurrentPerSecond / floor.concurrentPerSecond).toFixed(2)
  const lat = Number.isNaN(r.sequentialPerSecond) ? '– | –' : `${r.p50Ms} ms | ${r.p99Ms} ms`
  console.log(`| ${r.pair} | ${seq} | ${lat} | ${r.concurrentPerSecond} | ${seqRatio} | ${concRatio} |`)
}
console.log(
  `raw: ${JSON.stringify(results.map((r) => ({ pair: r.pair, seqCalls: r.calls, concCalls: r.concurrentCalls })))}`
)
console.log(
  `ratio ours↔ours ÷ Nameko↔Nameko: sequential ${(ours.sequentialPerSecond / namekoPair.sequentialPerSecond).toFixed(2)} (target ≥ 3.5), ` +
    `${IN_FLIGHT} in flight ${(ours.concurrentPerSecond / namekoPair.concurrentPerSecond).toFixed(2)} (target ≥ 15); ` +
    `ours ÷ floor: sequential ${(ours.sequentialPerSecond / floor.sequentialPerSecond).toFixed(2)} (target ≥ 0.9)`
)
