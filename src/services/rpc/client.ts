/**
 * Nameko-compatible RPC client: calls `<service>.<method>` on any Nameko 2.x/3.x service or
 * on our RpcServer. One reply queue per client, bound to the RPC exchange under a uuid that
 * goes out as `reply_to` (docs/nameko-rpc-protocol.md, point 4).
 */
import { randomUUID } from 'node:crypto'
import type { ChannelModel, ConfirmChannel, ConsumeMessage, RecoveringChannelModel } from 'amqplib'
import { BrokerUnavailable, RemoteError, RpcTimeout, UnknownService } from './errors'
import { errorFromWire } from './error-mapping'
import { connectRecovering, watchChannel } from './connection'
import {
  DEFAULT_EXCHANGE,
  EXCHANGE_OPTIONS,
  decodeReply,
  encodeRequest,
  requestProperties,
  requestRoutingKey,
  serviceQueueName
} from './wire'
import { silentLogger } from '../log'
import type { Logger } from '../log'

export interface RpcClientOptions {
  amqpUri: string
  /** Default 'nameko-rpc'. */
  exchange?: string
  /** Default 30000. */
  defaultTimeoutMs?: number
  connectionName?: string
  logger?: Logger
  /** Connection attempts to retry before `connect` gives up with BrokerUnavailable. Default 0. */
  initialRetries?: number
}

interface PendingCall {
  service: string
  method: string
  resolve: (value: unknown) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

const DEFAULT_TIMEOUT_MS = 30_000

export class RpcClient {
  private readonly exchange: string
  readonly defaultTimeoutMs: number
  private readonly logger: Logger
  /** Binding key of our reply queue, sent as `reply_to`; kept across reconnects. */
  private readonly replyKey = randomUUID()
  private readonly replyQueue: string
  /** Nameko's context header, so Python services log a sensible call id stack. */
  private readonly callIdStack: string[]
  private readonly pending = new Map<string, PendingCall>()
  private connection: RecoveringChannelModel | null = null
  private channel: ConfirmChannel | null = null
  private closed = false
  /** When the connection last came back after a loss; null until one was lost. */
  private reconnectedAt: number | null = null
  private lostOnce = false
  /** Callers of whenConnected, told on the next (re)connect or on close. */
  private readonly connectWaiters = new Set<() => void>()

  private constructor(private readonly options: RpcClientOptions) {
    this.exchange = options.exchange ?? DEFAULT_EXCHANGE
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS
    this.logger = options.logger ?? silentLogger
    const owner = (options.connectionName ?? 'scrapedeck_rpc_client').replace(/[^A-Za-z0-9_-]/g, '_')
    this.replyQueue = `rpc.reply-${owner}-${this.replyKey}`
    this.callIdStack = [`${owner}.call.${this.replyKey}`]
  }

  static async connect(options: RpcClientOptions): Promise<RpcClient> {
    const client = new RpcClient(options)
    client.connection = await connectRecovering({
      amqpUri: options.amqpUri,
      connectionName: options.connectionName ?? 'scrapedeck-rpc-client',
      logger: client.logger,
      initialRetries: options.initialRetries ?? 0,
      setup: (model) => client.setup(model),
      onDisconnect: () => client.lose('connection lost')
    })
    return client
  }

  get connected(): boolean {
    return this.channel !== null && !this.closed
  }

  /** Milliseconds since the connection came back after a loss; null if it was never lost. */
  sinceReconnectMs(): number | null {
    return this.reconnectedAt === null ? null : Date.now() - this.reconnectedAt
  }

  /** Resolves true once connected (at once if already), false on close or after timeoutMs. */
  whenConnected(timeoutMs: number): Promise<boolean> {
    if (this.connected || this.closed) return Promise.resolve(this.connected)
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.connectWaiters.delete(done)
        resolve(this.connected)
      }
      const timer = setTimeout(done, timeoutMs)
      this.connectWaiters.add(done)
    })
  }

  call<T = unknown>(
    service: string,
    method: string,
    args: unknown[] = [],
    kwargs: Record<string, unknown> = {},
    options: { timeoutMs?: number } = {}
  ): Promise<T> {
    const channel = this.channel
    if (this.closed) return Promise.reject(new BrokerUnavailable('RPC client is closed'))
    if (channel === null) return Promise.reject(new BrokerUnavailable('Not connected to the AMQP broker'))
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs
    let content: Buffer
    try {
      content = encodeRequest(args, kwargs)
    } catch (err) {
      return Promise.reject(
        new TypeError(`Arguments of ${service}.${method} cannot be sent as JSON: ${(err as Error).message}`)
      )
    }

    return new Promise<T>((resolve, reject) => {
      const correlationId = randomUUID()
      const timer = setTimeout(() => {
        if (this.pending.delete(correlationId)) reject(new RpcTimeout(service, method, timeoutMs))
      }, timeoutMs)
      this.pending.set(correlationId, { service, method, resolve: resolve as (value: unknown) => void, reject, timer })

      const properties = requestProperties(correlationId, this.replyKey, { 'nameko.call_id_stack': this.callIdStack })
      try {
        channel.publish(this.exchange, requestRoutingKey(service, method), content, properties, (err) => {
          // A nack: the broker did not take the request.
          if (err)
            this.settle(
              correlationId,
              new BrokerUnavailable(`Broker refused the request to ${service}.${method}`, { cause: err })
            )
        })
      } catch (err) {
        this.settle(
          correlationId,
          new BrokerUnavailable(`Cannot publish to ${service}.${method}: ${(err as Error).message}`, { cause: err })
        )
      }
    })
  }

  /**
   * How many consumers the broker counts on `rpc-<service>` now, or null when there is no such
   * queue: a passive declare on a channel of its own (a missing queue closes its channel).
   */
  async consumerCount(service: string): Promise<number | null> {
    if (this.connection === null || this.closed) throw new BrokerUnavailable('Not connected to the AMQP broker')
    let channel: Awaited<ReturnType<ChannelModel['createChannel']>>
    try {
      channel = await this.connection.createChannel()
    } catch (err) {
      // The connection went between the check above and the open: the broker is restarting.
      throw new BrokerUnavailable(`Cannot open a channel to read the queue of ${service}: ${(err as Error).message}`, {
        cause: err
      })
    }
    channel.on('error', () => {})
    try {
      return (await channel.checkQueue(serviceQueueName(service))).consumerCount
    } catch (err) {
      if ((err as { code?: number }).code === 404) return null
      throw new BrokerUnavailable(`Cannot read the queue of ${service}: ${(err as Error).message}`, { cause: err })
    } finally {
      await channel.close().catch(() => {})
    }
  }

  /** Fails calls still waiting with BrokerUnavailable and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.channel = null
    this.failPending('RPC client closed')
    for (const waiter of [...this.connectWaiters]) waiter()
    await this.connection?.close()
  }

  /** Runs on every (re)connect: the exchange, our reply queue and its consumer. */
  private async setup(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel()
    await channel.assertExchange(this.exchange, 'topic', EXCHANGE_OPTIONS)
    // Only we bind this queue, so it may be exclusive: the broker deletes it with the connection.
    await channel.assertQueue(this.replyQueue, { exclusive: true, durable: false, autoDelete: true })
    await channel.bindQueue(this.replyQueue, this.exchange, this.replyKey)
    channel.on('return', (msg: ConsumeMessage) => this.onReturn(msg))
    // Replies are not acked one by one: a reply lost with the connection belongs to a call
    // that has already failed with BrokerUnavailable.
    await channel.consume(
      this.replyQueue,
      // null: the broker cancelled us (reply queue deleted); losing the channel re-runs setup.
      (msg) => (msg === null ? void channel.close().catch(() => {}) : this.onReply(msg)),
      { noAck: true }
    )
    watchChannel(model, channel, (reason) => this.lose(reason, channel), this.logger)
    this.channel = channel
    if (this.lostOnce) this.reconnectedAt = Date.now()
    for (const waiter of [...this.connectWaiters]) waiter()
  }

  private onReply(msg: ConsumeMessage): void {
    const correlationId = msg.properties.correlationId as string | undefined
    const call = correlationId === undefined ? undefined : this.pending.get(correlationId)
    if (call === undefined || correlationId === undefined) {
      this.logger.debug('RPC reply for no pending call (timed out or duplicate)', { correlationId })
      return
    }
    const reply = decodeReply(msg.content)
    if (reply.ok === true) {
      this.pending.delete(correlationId)
      clearTimeout(call.timer)
      call.resolve(reply.result)
    } else if (reply.ok === false) {
      this.settle(correlationId, errorFromWire(reply.error))
    } else {
      this.settle(correlationId, new RemoteError('MalformedReply', null, reply.message, [reply.message]))
    }
  }

  /** A mandatory request that no queue took: nobody ever declared `rpc-<service>`. */
  private onReturn(msg: ConsumeMessage): void {
    const correlationId = msg.properties.correlationId as string | undefined
    const call = correlationId === undefined ? undefined : this.pending.get(correlationId)
    if (call !== undefined && correlationId !== undefined) this.settle(correlationId, new UnknownService(call.service))
  }

  private settle(correlationId: string, err: Error): void {
    const call = this.pending.get(correlationId)
    if (call === undefined) return
    this.pending.delete(correlationId)
    clearTimeout(call.timer)
    call.reject(err)
  }

  /** The channel or connection went away: nothing in flight can get its reply any more. */
  private lose(reason: string, channel?: ConfirmChannel): void {
    if (channel !== undefined && this.channel !== channel) return
    this.channel = null
    this.lostOnce = true
    this.failPending(`AMQP ${reason} while the call was in flight`)
  }

  private failPending(message: string): void {
    for (const [correlationId, call] of this.pending) {
      this.settle(correlationId, new BrokerUnavailable(`${call.service}.${call.method}: ${message}`))
    }
  }
}
