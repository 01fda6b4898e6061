/**
 * One AMQP connection that comes back after a broker restart, shared by the RPC client and
 * server. amqplib 2.x's own recovery does the reconnect loop with backoff; each side passes a
 * `setup` that re-declares its topology and opens its channel on every (re)connect.
 */
import { connect } from 'amqplib'
import type { ChannelModel, ConfirmChannel, RecoveringChannelModel } from 'amqplib'
import { BrokerUnavailable } from './errors'
import type { Logger } from '../log'

export interface RecoveringConnectionOptions {
  amqpUri: string
  connectionName: string
  /** More AMQP client properties (the management API shows them on the connection). */
  clientProperties?: Record<string, string>
  logger: Logger
  /** Reconnect attempts before the first connection succeeds; after that, retries never stop. */
  initialRetries: number
  /** Runs after every successful (re)connect; a throw closes that connection and retries. */
  setup: (model: ChannelModel) => Promise<void>
  /** The connection is gone (it will be retried unless closed on purpose). */
  onDisconnect: (err: Error) => void
}

export async function connectRecovering(options: RecoveringConnectionOptions): Promise<RecoveringChannelModel> {
  const { logger } = options
  let connection: RecoveringChannelModel
  try {
    connection = await connect(options.amqpUri, {
      // Nagle + delayed ACKs cost ~40 ms per small message (docs/performance-notes.md).
      noDelay: true,
      clientProperties: { ...options.clientProperties, connection_name: options.connectionName },
      recovery: {
        initialDelay: 200,
        maxDelay: 5000,
        factor: 2,
        jitter: 0.2,
        maxRetries: Infinity,
        initialMaxRetries: options.initialRetries,
        setup: options.setup
      }
    })
  } catch (err) {
    throw new BrokerUnavailable(`Cannot connect to the AMQP broker: ${(err as Error).message}`, { cause: err })
  }
  connection.on('disconnect', (err: Error) => {
    logger.warn('AMQP connection lost; reconnecting', { connection: options.connectionName, error: err.message })
    options.onDisconnect(err)
  })
  connection.on('connect', () => logger.info('AMQP connected', { connection: options.connectionName }))
  connection.on('connect-failed', (err: Error) => logger.warn('AMQP reconnect attempt failed', { error: err.message }))
  // Without listeners these would be thrown as unhandled 'error' events.
  connection.on('error', (err: Error) => logger.debug('AMQP connection error', { error: err.message }))
  connection.on('reconnect-failed', (err: Error) => logger.error('AMQP recovery gave up', { error: err.message }))
  return connection
}

/**
 * Watches a setup's channel: if it closes or errors while its connection stays up (a
 * channel-level error, a consumer cancelled by the broker), the whole connection is closed
 * so that recovery re-runs setup instead of leaving us with a dead channel.
 */
export function watchChannel(
  model: ChannelModel,
  channel: ConfirmChannel,
  onLost: (reason: string) => void,
  logger: Logger
): void {
  let lost = false
  const lose = (reason: string): void => {
    if (lost) return
    lost = true
    onLost(reason)
    model.close().catch(() => {
      // Already closing: recovery is on its way.
    })
  }
  channel.on('error', (err: Error) => logger.warn('AMQP channel error', { error: err.message }))
  channel.on('close', () => lose('channel closed'))
  model.on('close', () => lose('connection closed'))
}

/** Publishes on a confirm channel and resolves once the broker has taken the message. */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  properties: Parameters<ConfirmChannel['publish']>[3]
): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      channel.publish(exchange, routingKey, content, properties, (err) => (err ? reject(err) : resolve()))
    } catch (err) {
      reject(err as Error)
    }
  })
}
