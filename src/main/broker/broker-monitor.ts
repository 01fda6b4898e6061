/**
 * Samples RabbitMQ on an interval: the management API first, AMQP checkQueue when it is not
 * there. Each sample becomes a `metrics` event, a history point (depth, rates, replicas,
 * lookup latency) and cross-layer findings against the replicas Docker runs.
 */
import { EventEmitter } from 'node:events'
import type {
  BrokerConnectivity,
  BrokerMetrics,
  EndpointState,
  MetricsSample,
  QueueMetrics,
  RpcService
} from '../../shared/contract'
import { AmqpQueueProbe } from './amqp-queue-probe'
import { crossLayerFindings } from './cross-layer-health'
import type { ReplicaView } from './cross-layer-health'
import { LatencyRecorder } from './latency-recorder'
import { fetchRpcQueues } from './management-api'
import type { ManagementApiOptions } from './management-api'
import { RingBuffer } from './ring-buffer'
import { rpcQueueName } from '../../shared/rpc-names'
import { secretMasker } from '../../shared/secret-mask'

/** The URI without its password, for messages. */
const redact = secretMasker()

export interface BrokerMonitorOptions {
  management: ManagementApiOptions
  amqpUri: string
  /** Default 2000 ms. */
  intervalMs?: number
  /** History points kept. Default 1800 (an hour at 2 s). */
  historyCapacity?: number
  /** Running replicas of the compose services that serve RPC queues. */
  replicas: () => ReplicaView[]
}

type MonitorEvents = { metrics: [BrokerMetrics]; sample: [MetricsSample]; broker: [BrokerConnectivity] }

export class BrokerMonitor extends EventEmitter<MonitorEvents> {
  readonly lookupLatency = new LatencyRecorder()
  private readonly history: RingBuffer<MetricsSample>
  private readonly probe: AmqpQueueProbe
  private readonly knownQueues = new Set<string>()
  private connectivity: BrokerConnectivity
  private last: BrokerMetrics | null = null
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  private sampling: Promise<BrokerMetrics> | null = null

  constructor(private readonly options: BrokerMonitorOptions) {
    super()
    this.history = new RingBuffer(options.historyCapacity ?? 1800)
    this.probe = new AmqpQueueProbe(options.amqpUri)
    const now = new Date().toISOString()
    this.connectivity = {
      management: { state: 'unreachable', endpoint: options.management.url, message: 'not checked yet', since: now },
      amqp: { state: 'unreachable', endpoint: redact(options.amqpUri), message: 'not checked yet', since: now }
    }
  }

  get capacity(): number {
    return this.history.capacity
  }

  start(): void {
    this.stopped = false
    const tick = (): void => {
      // A sample in flight when stop() ran must not schedule another (which would reconnect AMQP).
      if (this.stopped) return
      this.timer = setTimeout(() => void this.sample().finally(tick), this.options.intervalMs ?? 2000)
      this.timer.unref()
    }
    void this.sample().finally(tick)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    await this.probe.close()
  }

  /** The latest sample, taking one if there is none yet. */
  async latest(): Promise<BrokerMetrics> {
    return this.last ?? (await this.sample())
  }

  /** The Nameko services on the bus now, fresh from the management API (AMQP cannot list queues). */
  async rpcServices(): Promise<RpcService[]> {
    const queues = await fetchRpcQueues(this.options.management)
    return queues.map(({ service, queue, consumers, ready, unacked }) => ({
      service,
      queue,
      consumers,
      ready,
      unacked
    }))
  }

  /** The latest sample if it is at most `maxAgeMs` old, else a new one (a caller that may run without start()). */
  async fresh(maxAgeMs: number): Promise<BrokerMetrics> {
    const last = this.last
    return last !== null && Date.now() - Date.parse(last.at) <= maxAgeMs ? last : this.sample()
  }

  samples(sinceMs?: number, limit?: number): MetricsSample[] {
    const all = this.history.toArray().filter((s) => sinceMs === undefined || s.at > sinceMs)
    return limit === undefined ? all : all.slice(-limit)
  }

  /** One sample now (concurrent callers share it). */
  sample(): Promise<BrokerMetrics> {
    this.sampling ??= this.takeSample().finally(() => {
      this.sampling = null
    })
    return this.sampling
  }

  private async takeSample(): Promise<BrokerMetrics> {
    const replicas = this.options.replicas()
    let queues: QueueMetrics[] = []
    let source: BrokerMetrics['source'] = 'none'
    try {
      queues = await fetchRpcQueues(this.options.management)
      source = 'management'
      this.setState('management', 'connected', `management API at ${this.options.management.url}`)
      for (const q of queues) this.knownQueues.add(q.queue)
    } catch (err) {
      this.setState('management', 'unreachable', (err as Error).message)
    }
    // AMQP is checked every time: it is the fallback, and its state is worth showing anyway.
    const names = [...new Set([...this.knownQueues, ...replicas.map((r) => rpcQueueName(r.rpcService))])]
    try {
      const viaAmqp = await this.probe.check(source === 'management' ? [] : names)
      this.setState('amqp', 'connected', `AMQP broker at ${redact(this.options.amqpUri)}`)
      if (source !== 'management') {
        queues = viaAmqp
        source = 'amqp'
      }
    } catch (err) {
      this.setState(
        'amqp',
        'unreachable',
        `AMQP broker at ${redact(this.options.amqpUri)} does not answer (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
      )
    }
    const metrics: BrokerMetrics = {
      at: new Date().toISOString(),
      source,
      broker: this.connectivity,
      queues,
      findings: source === 'none' ? [] : crossLayerFindings(queues, replicas)
    }
    const point: MetricsSample = {
      at: Date.now(),
      queues: Object.fromEntries(
        queues.map((q) => [
          q.queue,
          {
            ready: q.ready,
            unacked: q.unacked,
            consumers: q.consumers,
            publishRate: q.publishRate,
            deliverRate: q.deliverRate,
            ackRate: q.ackRate
          }
        ])
      ),
      replicas: Object.fromEntries(replicas.map((r) => [r.service, r.running])),
      lookupLatency: this.lookupLatency.drain()
    }
    this.history.push(point)
    this.last = metrics
    this.emit('metrics', metrics)
    this.emit('sample', point)
    return metrics
  }

  private setState(which: 'management' | 'amqp', state: EndpointState['state'], message: string): void {
    const before = this.connectivity[which]
    if (before.state === state && before.message === message) return
    const since = before.state === state ? before.since : new Date().toISOString()
    this.connectivity = { ...this.connectivity, [which]: { ...before, state, message, since } }
    if (before.state !== state) this.emit('broker', this.connectivity)
  }
}
