/**
 * Nameko-compatible RPC server: hosts one RpcService on the shared `rpc-<service>` queue,
 * so our replicas, Python Nameko replicas and any Nameko caller can all share it.
 * Every request gets a reply (an error reply if need be) before it is acked
 * (docs/nameko-rpc-protocol.md, points 2, 5 and 7).
 */
import type { ChannelModel, ConfirmChannel, ConsumeMessage, RecoveringChannelModel } from 'amqplib'
import { performance } from 'node:perf_hooks'
import { connectRecovering, publishConfirmed, watchChannel } from './connection'
import { REPLICA_CLIENT_PROPERTY } from '../../shared/rpc-names'
import {
  DEFAULT_MAX_DELIVERIES,
  DELIVERY_COUNT_HEADER,
  countedProperties,
  deliveryVerdict,
  tooManyDeliveriesWire
} from './delivery-count'
import { runWithRequestContext } from './request-context'
import {
  contentDisallowedWire,
  errorToWire,
  incorrectSignatureWire,
  malformedRequestWire,
  methodNotFoundWire,
  unserializableWire
} from './error-mapping'
import { bindArguments } from './signature'
import type { RpcService } from './types'
import { WorkerSlots } from './worker-slots'
import { PacedWaits } from './paced-waits'
import {
  CONTENT_TYPE,
  DEFAULT_EXCHANGE,
  EXCHANGE_OPTIONS,
  SERVICE_QUEUE_OPTIONS,
  decodeRequest,
  encodeErrorReply,
  encodeSuccessReply,
  isRequestProblem,
  methodFromRoutingKey,
  replyProperties,
  serializeResult,
  serviceBindingKey,
  serviceQueueName
} from './wire'
import type { WireError } from './wire'
import { createLogger } from '../log'
import type { Logger } from '../log'

export interface RpcServerOptions {
  amqpUri: string
  /** Default 'nameko-rpc'. */
  exchange?: string
  /** Calls run at once. Default 10. */
  maxWorkers?: number
  /**
   * Requests held unacked at once (the consumer prefetch), at least maxWorkers. Default
   * maxWorkers, as in Nameko 2.x. More lets a worker that has answered take the next request
   * at once, while its reply waits for the broker's confirm and its ack for the next delivery;
   * the extra requests wait here and go back to the broker if the server stops.
   */
  prefetch?: number
  connectionName?: string
  logger?: Logger
  /** Connection attempts to retry before `start` gives up with BrokerUnavailable. Default 0. */
  initialRetries?: number
  /** The connection's REPLICA_CLIENT_PROPERTY, so the broker shows which replica consumes. */
  replica?: string
  /**
   * Runs before a well-formed request's method, with the request's headers: an error to answer
   * instead of running it, or null to run it. The crawler plugs its crawl control in here.
   */
  beforeHandle?: (headers: Record<string, unknown> | undefined) => WireError | null
  /**
   * Headers put on every reply, given how long the handler took. Values are strings: amqplib
   * writes integers 128–32767 as a type py-amqp misreads, and a Nameko caller then fails to
   * decode the reply (UnicodeDecodeError). Nameko callers ignore unknown headers.
   */
  replyHeaders?: (tookMs: number) => Record<string, string>
  /** Deliveries of one request before it is answered TooManyDeliveries (delivery-count.ts). Default 5. */
  maxDeliveries?: number
  /**
   * When a request may start at the earliest (epoch ms), from its headers; null for now. Until
   * then it waits on a timer, holding no worker (paced-waits.ts): the scraper's fetch slots.
   */
  notBefore?: (headers: Record<string, unknown> | undefined) => number | null
  /** How many requests waiting for their time may be held beyond the prefetch. Default 0. */
  pacedPrefetch?: number
}

interface Consumer {
  channel: ConfirmChannel
  /** Null on a channel set up while stopping, which never consumes. */
  consumerTag: string | null
}

export class RpcServer {
  private readonly exchange: string
  private readonly queue: string
  private readonly maxWorkers: number
  private readonly prefetch: number
  private readonly workers: WorkerSlots
  private readonly paced: PacedWaits
  private readonly maxDeliveries: number
  private readonly logger: Logger
  private connection: RecoveringChannelModel | null = null
  private consumer: Consumer | null = null
  private readonly inFlight = new Set<Promise<void>>()
  /** Counted copies whose original's ack may not have reached the broker yet, by request key. */
  private readonly acksInTransit = new Map<string, Promise<void>>()
  private stopping = false
  private stopped: Promise<void> | null = null

  constructor(
    private readonly service: RpcService,
    private readonly options: RpcServerOptions
  ) {
    if (service.name.includes('.'))
      throw new Error(`Service name "${service.name}" must not contain a dot (it breaks routing)`)
    for (const method of Object.keys(service.methods)) {
      if (method.includes('.')) throw new Error(`Method name "${method}" must not contain a dot (it breaks routing)`)
    }
    this.exchange = options.exchange ?? DEFAULT_EXCHANGE
    this.queue = serviceQueueName(service.name)
    this.maxWorkers = options.maxWorkers ?? 10
    this.prefetch = Math.max(this.maxWorkers, options.prefetch ?? this.maxWorkers)
    this.workers = new WorkerSlots(this.maxWorkers)
    this.paced = new PacedWaits(this.prefetch, options.pacedPrefetch ?? 0)
    this.maxDeliveries = options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES
    this.logger = options.logger ?? createLogger('rpc-server')
  }

  async start(): Promise<void> {
    if (this.connection !== null || this.stopped !== null) throw new Error('An RpcServer can be started once')
    this.connection = await connectRecovering({
      amqpUri: this.options.amqpUri,
      connectionName: this.options.connectionName ?? `scrapedeck-rpc-server-${this.service.name}`,
      clientProperties:
        this.options.replica === undefined ? undefined : { [REPLICA_CLIENT_PROPERTY]: this.options.replica },
      logger: this.logger,
      initialRetries: this.options.initialRetries ?? 0,
      setup: (model) => this.setup(model),
      onDisconnect: () => {
        this.consumer = null
      }
    })
    this.logger.info('RPC server consuming', {
      rpcService: this.service.name,
      queue: this.queue,
      maxWorkers: this.maxWorkers,
      prefetch: this.prefetch
    })
  }

  /**
   * Stops taking requests, lets running calls reply and ack, then closes the connection.
   * Waits as long as the handlers take. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.stopped ??= this.drainAndClose()
    return this.stopped
  }

  private async drainAndClose(): Promise<void> {
    if (this.connection === null) return
    this.stopping = true
    const consumer = this.consumer
    if (consumer !== null && consumer.consumerTag !== null) {
      await consumer.channel.cancel(consumer.consumerTag).catch((err: Error) => {
        this.logger.warn('Cannot cancel the RPC consumer', { error: err.message })
      })
    }
    // Requests waiting for a worker have not started: back to the broker for another replica.
    this.workers.refuseWaiting()
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
    // Closing the channel first flushes its acks: a bare connection.close can overtake them
    // and the broker would requeue calls we already answered.
    await this.consumer?.channel.close().catch(() => {})
    await this.connection.close()
    this.connection = null
    this.consumer = null
    this.logger.info('RPC server stopped', { rpcService: this.service.name })
  }

  /** Runs on every (re)connect: declares the exchange, the shared queue and its binding, consumes. */
  private async setup(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel()
    await this.paced.setup(channel)
    await channel.assertExchange(this.exchange, 'topic', EXCHANGE_OPTIONS)
    await channel.assertQueue(this.queue, SERVICE_QUEUE_OPTIONS)
    await channel.bindQueue(this.queue, this.exchange, serviceBindingKey(this.service.name))
    // A reconnect while stop() drains must not start consuming again: every delivery would be
    // requeued straight back to us until the drain ends.
    if (this.stopping) {
      this.consumer = { channel, consumerTag: null }
      return
    }
    const { consumerTag } = await channel.consume(this.queue, (msg) => {
      // null: the broker cancelled us (queue deleted); losing the channel re-runs setup.
      if (msg === null) void channel.close().catch(() => {})
      else this.onDelivery(channel, msg)
    })
    watchChannel(
      model,
      channel,
      () => {
        if (this.consumer?.channel === channel) this.consumer = null
      },
      this.logger
    )
    this.consumer = { channel, consumerTag }
  }

  private onDelivery(channel: ConfirmChannel, msg: ConsumeMessage): void {
    if (this.stopping) {
      // Arrived while we were cancelling: leave it to another replica.
      safely(() => channel.nack(msg, false, true))
      return
    }
    const task = this.handle(channel, msg).finally(() => this.inFlight.delete(task))
    this.inFlight.add(task)
  }

  private async handle(channel: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    const { replyTo, correlationId } = msg.properties as { replyTo?: string; correlationId?: string }
    const routingKey = msg.fields.routingKey
    if (!replyTo) {
      // Nobody to answer; Nameko itself crashes on these and requeues them forever.
      this.logger.warn('Dropping RPC request without reply_to', { routingKey, correlationId })
      safely(() => channel.nack(msg, false, false))
      return
    }
    if (await this.settledAsRedelivery(channel, msg, replyTo)) return
    await this.acksInTransit.get(requestKey(msg))
    const notBefore = this.options.notBefore?.(msg.properties.headers as Record<string, unknown> | undefined) ?? null
    if (notBefore !== null) {
      await this.paced.until(notBefore)
      if (this.stopping) {
        safely(() => channel.nack(msg, false, true))
        return
      }
    }
    if (!(await this.workers.acquire())) {
      safely(() => channel.nack(msg, false, true))
      return
    }
    if (this.consumer?.channel !== channel) {
      // Its channel died while it waited for a worker: the broker has requeued it already.
      this.workers.release()
      return
    }
    const started = performance.now()
    const { body, contentType, headers } = await this.respond(msg).finally(() => this.workers.release())
    const properties = replyProperties(correlationId, contentType)
    if (this.options.replyHeaders !== undefined || Object.keys(headers).length > 0)
      properties.headers = { ...headers, ...this.options.replyHeaders?.(Math.round(performance.now() - started)) }
    try {
      await publishConfirmed(channel, this.exchange, replyTo, body, properties)
      channel.ack(msg)
    } catch (err) {
      // The channel died with the reply unconfirmed: the request is redelivered (at least once).
      this.logger.warn('RPC reply not confirmed; request will be redelivered', {
        routingKey,
        error: (err as Error).message
      })
    }
  }

  /**
   * A redelivered request is counted before it runs again (delivery-count.ts): republished
   * with its count and acked, or, past maxDeliveries, answered TooManyDeliveries and acked.
   * True when the request is settled here and must not run.
   */
  private async settledAsRedelivery(channel: ConfirmChannel, msg: ConsumeMessage, replyTo: string): Promise<boolean> {
    const verdict = deliveryVerdict(msg, this.maxDeliveries)
    if (verdict.action === 'run') return false
    const routingKey = msg.fields.routingKey
    const correlationId = msg.properties.correlationId as string | undefined
    try {
      if (verdict.action === 'count') await this.republishCounted(channel, msg, verdict.deliveries)
      else {
        this.logger.warn('Refusing an RPC request delivered too often', {
          routingKey,
          correlationId,
          deliveries: verdict.deliveries
        })
        const body = encodeErrorReply(tooManyDeliveriesWire(verdict.deliveries, this.maxDeliveries))
        await publishConfirmed(channel, this.exchange, replyTo, body, replyProperties(correlationId, CONTENT_TYPE))
        channel.ack(msg)
      }
    } catch (err) {
      this.logger.warn('Redelivered RPC request not settled; it will be delivered again', {
        routingKey,
        error: (err as Error).message
      })
    }
    return true
  }

  /**
   * The copy may come straight back to us, even before the publish is confirmed, and kill
   * us (it may be a poison request) before our ack of the original has left the socket:
   * both would then be redelivered and a poison request would multiply. So the copy waits
   * (see handle) until a round trip on this channel after the ack proves the broker has it.
   */
  private async republishCounted(channel: ConfirmChannel, msg: ConsumeMessage, deliveries: number): Promise<void> {
    const key = requestKey(msg)
    let settled!: () => void
    this.acksInTransit.set(key, new Promise<void>((resolve) => (settled = resolve)))
    try {
      await publishConfirmed(
        channel,
        this.exchange,
        msg.fields.routingKey,
        msg.content,
        countedProperties(msg, deliveries)
      )
      channel.ack(msg)
      await channel.checkQueue(this.queue)
    } finally {
      this.acksInTransit.delete(key)
      settled()
    }
  }

  /** The reply body for one request; never throws. */
  private async respond(
    msg: ConsumeMessage
  ): Promise<{ body: Buffer; contentType: string; headers: Record<string, string> }> {
    const contentType = msg.properties.contentType as string | undefined
    const request = decodeRequest(contentType, msg.content)
    if (isRequestProblem(request)) {
      this.logger.warn('Refusing RPC request', { routingKey: msg.fields.routingKey, problem: request.message })
      const error =
        request.kind === 'content-type' ? contentDisallowedWire(request.message) : malformedRequestWire(request.message)
      return { body: encodeErrorReply(error), contentType: CONTENT_TYPE, headers: {} }
    }
    const refused = this.options.beforeHandle?.(msg.properties.headers as Record<string, unknown> | undefined) ?? null
    if (refused !== null) return { body: encodeErrorReply(refused), contentType: CONTENT_TYPE, headers: {} }
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>
    const context = {
      headers,
      seenBefore: msg.fields.redelivered || Number(headers[DELIVERY_COUNT_HEADER] ?? 1) > 1,
      replyHeaders: {}
    }
    return {
      body: await runWithRequestContext(context, () => this.run(msg.fields.routingKey, request.args, request.kwargs)),
      contentType: CONTENT_TYPE,
      headers: context.replyHeaders
    }
  }

  private async run(routingKey: string, args: unknown[], kwargs: Record<string, unknown>): Promise<Buffer> {
    const name = methodFromRoutingKey(routingKey)
    const method = Object.hasOwn(this.service.methods, name) ? this.service.methods[name] : undefined
    if (method === undefined) return encodeErrorReply(methodNotFoundWire(name))
    const bound = bindArguments(name, method, args, kwargs)
    if (!bound.ok) return encodeErrorReply(incorrectSignatureWire(bound.message))

    let result: unknown
    try {
      result = await method.handler(...bound.args)
    } catch (err) {
      const error: WireError = errorToWire(err)
      this.logger.info('RPC handler raised', {
        rpcService: this.service.name,
        method: name,
        excType: error.exc_type,
        value: error.value
      })
      return encodeErrorReply(error)
    }
    const serialized = serializeResult(result)
    return serialized === null ? encodeErrorReply(unserializableWire(result)) : encodeSuccessReply(serialized)
  }
}

/** A request and its counted copies share this key. */
function requestKey(msg: ConsumeMessage): string {
  return `${msg.fields.routingKey} ${String(msg.properties.correlationId)}`
}

/** Acks and nacks throw once the channel is gone; the broker then redelivers anyway. */
function safely(action: () => void): void {
  try {
    action()
  } catch {
    // Channel closed: nothing left to settle.
  }
}
