/**
 * The coordinator's AMQP side, recovering from broker restarts (connection.ts): publishes
 * scrape requests (persistent, publisher confirms) to the scraper's Nameko queue, consumes
 * replies from its own DURABLE reply queue (so replies wait there while the coordinator is
 * down), and announces crawl control. It declares the scraper's queue too, so a backlog can
 * build before any scraper runs (same arguments as Nameko's, so both can declare it).
 */
import type { ChannelModel, ConfirmChannel, ConsumeMessage, RecoveringChannelModel } from 'amqplib'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'
import { SOURCE_SCRAPE_METHOD } from '../listings/rpc-scrape'
import { connectRecovering, publishConfirmed, watchChannel } from '../rpc/connection'
import { CRAWL_CONTROL_EXCHANGE, CRAWL_ID_HEADER } from './crawl-control'
import type { ControlAnnouncement } from './crawl-control'
import { BrokerUnavailable } from '../rpc/errors'
import {
  DEFAULT_EXCHANGE,
  EXCHANGE_OPTIONS,
  SERVICE_QUEUE_OPTIONS,
  encodeRequest,
  requestProperties,
  requestRoutingKey,
  serviceBindingKey,
  serviceQueueName
} from '../rpc/wire'
import type { Logger } from '../log'
import { FETCH_SLOT_HEADER, encodeFetchSlot } from '../politeness/fetch-slot'
import { VALIDATORS_HEADER, encodeValidators } from '../scraper/page-validators'
import type { PageValidators } from '../scraper/page-validators'
import type { FetchSlot } from '../politeness/fetch-slot'

export interface CrawlerLinkOptions {
  amqpUri: string
  service: string
  method: string
  /** The scraper's method that takes (source, id); default get_source_listing_info. */
  sourceMethod?: string
  /** Name of the durable reply queue, also its routing key on the RPC exchange. */
  replyQueue: string
  /** Unacked replies held at once. */
  prefetch: number
  logger: Logger
  initialRetries: number
}

export interface ScrapeRequest {
  correlationId: string
  crawlId: string
  listingId: string
  /** The item's source: the default one goes by `method` (get_job_listing_info), any other by sourceMethod. */
  source: string
  /** When the scraper may fetch (null: whenever it takes the request). */
  slot: FetchSlot | null
  /** The validators of the copy the registry holds: the scraper sends a conditional GET. */
  validators?: PageValidators | null
}

/** A delivered reply; `ack` settles it on the channel it came from (a no-op if that channel is gone). */
export interface DeliveredReply {
  msg: ConsumeMessage
  ack: () => void
}

export class CrawlerLink {
  private connection: RecoveringChannelModel | null = null
  private publisher: ConfirmChannel | null = null
  private onReply: (reply: DeliveredReply) => void = () => {}

  constructor(private readonly options: CrawlerLinkOptions) {}

  get connected(): boolean {
    return this.publisher !== null
  }

  async start(onReply: (reply: DeliveredReply) => void): Promise<void> {
    this.onReply = onReply
    this.connection = await connectRecovering({
      amqpUri: this.options.amqpUri,
      connectionName: `scrapedeck-crawler-${this.options.replyQueue}`,
      logger: this.options.logger,
      initialRetries: this.options.initialRetries,
      setup: (model) => this.setup(model),
      onDisconnect: () => {
        this.publisher = null
      }
    })
  }

  async close(): Promise<void> {
    const connection = this.connection
    this.connection = null
    this.publisher = null
    await connection?.close()
  }

  /** Resolves once the broker has confirmed every request; rejects if any was not taken. */
  async publish(requests: ScrapeRequest[]): Promise<void> {
    const channel = this.publisher
    if (channel === null) throw new BrokerUnavailable('The crawler is not connected to the AMQP broker')
    const routingKey = requestRoutingKey(this.options.service, this.options.method)
    const sourceRoutingKey = requestRoutingKey(this.options.service, this.options.sourceMethod ?? SOURCE_SCRAPE_METHOD)
    await Promise.all(
      requests.map((request) =>
        publishConfirmed(
          channel,
          DEFAULT_EXCHANGE,
          request.source === DEFAULT_SOURCE_NAME ? routingKey : sourceRoutingKey,
          encodeRequest(
            request.source === DEFAULT_SOURCE_NAME ? [request.listingId] : [request.source, request.listingId],
            {}
          ),
          requestProperties(request.correlationId, this.options.replyQueue, {
            [CRAWL_ID_HEADER]: request.crawlId,
            ...(request.slot === null ? {} : { [FETCH_SLOT_HEADER]: encodeFetchSlot(request.slot) }),
            ...(request.validators == null ? {} : { [VALIDATORS_HEADER]: encodeValidators(request.validators) })
          })
        )
      )
    )
  }

  async announce(announcement: ControlAnnouncement): Promise<void> {
    const channel = this.publisher
    if (channel === null) return
    await publishConfirmed(channel, CRAWL_CONTROL_EXCHANGE, '', Buffer.from(JSON.stringify(announcement)), {
      contentType: 'application/json'
    })
  }

  private async setup(model: ChannelModel): Promise<void> {
    const { service, replyQueue } = this.options
    const publisher = await model.createConfirmChannel()
    await publisher.assertExchange(DEFAULT_EXCHANGE, 'topic', EXCHANGE_OPTIONS)
    await publisher.assertExchange(CRAWL_CONTROL_EXCHANGE, 'fanout', { durable: true, autoDelete: false })
    await publisher.assertQueue(serviceQueueName(service), SERVICE_QUEUE_OPTIONS)
    await publisher.bindQueue(serviceQueueName(service), DEFAULT_EXCHANGE, serviceBindingKey(service))
    await publisher.assertQueue(replyQueue, { durable: true, exclusive: false, autoDelete: false })
    await publisher.bindQueue(replyQueue, DEFAULT_EXCHANGE, replyQueue)
    // The queue exists (declared above), so a mandatory request is never returned; log if it is.
    publisher.on('return', (msg: ConsumeMessage) =>
      this.options.logger.warn('A scrape request was returned unrouted', {
        correlationId: msg.properties.correlationId
      })
    )

    const consumer = await model.createChannel()
    await consumer.prefetch(this.options.prefetch)
    await consumer.consume(replyQueue, (msg) => {
      if (msg === null) {
        void consumer.close().catch(() => {})
        return
      }
      this.onReply({
        msg,
        ack: () => {
          try {
            consumer.ack(msg)
          } catch {
            // That channel is gone: the broker redelivers the reply, and applying it again is a no-op.
          }
        }
      })
    })
    watchChannel(
      model,
      publisher,
      () => {
        if (this.publisher === publisher) this.publisher = null
      },
      this.options.logger
    )
    consumer.on('close', () => void model.close().catch(() => {}))
    consumer.on('error', (err: Error) => this.options.logger.warn('Reply channel error', { error: err.message }))
    this.publisher = publisher
  }
}
