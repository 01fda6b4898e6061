/**
 * Counting deliveries of an RPC request, so that a poison request (one whose handler kills
 * its replica, or that no replica ever finishes) is answered with an error after
 * `maxDeliveries` tries instead of walking from replica to replica forever.
 *
 * Why we carry the count in a header and do not use quorum queues (whose broker-kept
 * `x-delivery-count` would do this for us): Nameko declares `rpc-<service>` with no
 * arguments, and RabbitMQ (3.10, checked) refuses that declaration against an existing
 * quorum queue with PRECONDITION_FAILED — a Python replica could no longer start on the
 * queue. An existing stack's classic queue could not be redeclared as quorum either without
 * deleting it and the requests it holds. A classic queue only says `redelivered` (seen at
 * least once before), so a redelivered request is republished with its count in a header and
 * the original acked; the copy is what runs. The header survives a crash of the replica and
 * crosses Nameko replicas unchanged (Nameko keeps unknown headers).
 */
import type { ConsumeMessage, Options } from 'amqplib'
import type { WireError } from './wire'

export const DELIVERY_COUNT_HEADER = 'x-scrapedeck-deliveries'
export const DEFAULT_MAX_DELIVERIES = 5

export type DeliveryVerdict =
  /** A first delivery (or a counted copy): run it. */
  | { action: 'run' }
  /** Redelivered: republish it counted, ack this one; the copy runs. */
  | { action: 'count'; deliveries: number }
  /** Delivered more than allowed: answer TooManyDeliveries and ack. */
  | { action: 'refuse'; deliveries: number }

export function deliveryVerdict(
  msg: Pick<ConsumeMessage, 'fields' | 'properties'>,
  maxDeliveries: number
): DeliveryVerdict {
  const counted = Number((msg.properties.headers ?? {})[DELIVERY_COUNT_HEADER])
  const before = Number.isSafeInteger(counted) && counted > 0 ? counted : 1
  const deliveries = before + (msg.fields.redelivered ? 1 : 0)
  if (deliveries > maxDeliveries) return { action: 'refuse', deliveries }
  return msg.fields.redelivered ? { action: 'count', deliveries } : { action: 'run' }
}

/** The request's own properties with its count; `userId` is left out (the broker checks it against our login). */
export function countedProperties(msg: Pick<ConsumeMessage, 'properties'>, deliveries: number): Options.Publish {
  const p = msg.properties
  const copied: Options.Publish = {
    contentType: p.contentType,
    contentEncoding: p.contentEncoding,
    deliveryMode: p.deliveryMode,
    priority: p.priority,
    correlationId: p.correlationId,
    replyTo: p.replyTo,
    expiration: p.expiration,
    messageId: p.messageId,
    timestamp: p.timestamp,
    type: p.type,
    appId: p.appId,
    // A string, not a number: amqplib writes 128–32767 as AMQP type 's' (a short int to
    // RabbitMQ), which py-amqp reads as a short *string* — a Nameko replica would fail to
    // decode the request.
    headers: { ...(p.headers ?? {}), [DELIVERY_COUNT_HEADER]: String(deliveries) }
  }
  return Object.fromEntries(Object.entries(copied).filter(([, value]) => value !== undefined)) as Options.Publish
}

export function tooManyDeliveriesWire(deliveries: number, maxDeliveries: number): WireError {
  const message =
    `The request was delivered ${deliveries} times and never answered (its handler crashed or its replica stopped each time), ` +
    `so it is answered with this error and not delivered again (at most ${maxDeliveries} deliveries)`
  return {
    exc_type: 'TooManyDeliveries',
    exc_path: 'scrapedeck.rpc.TooManyDeliveries',
    exc_args: [message],
    value: message
  }
}
