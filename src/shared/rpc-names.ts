/**
 * Names on the RPC bus, written once: Nameko's service queue is `rpc-<service>` (its
 * RPC_QUEUE_TEMPLATE), and every layer that looks at a service's queue (the RPC server, the
 * broker monitor, cross-layer health, the renderer's queue chart) asks this module.
 */
const RPC_QUEUE_PREFIX = 'rpc-'

export function rpcQueueName(service: string): string {
  return `${RPC_QUEUE_PREFIX}${service}`
}

/** The service whose queue this is, or null for a queue that is not a Nameko service queue. */
export function rpcServiceOfQueue(queue: string): string | null {
  return queue.startsWith(RPC_QUEUE_PREFIX) ? queue.slice(RPC_QUEUE_PREFIX.length) : null
}

/**
 * The AMQP client property an RPC server's connection carries with its replica's name (its
 * hostname in a container), so the management API's connections say which replica holds each
 * consumer: the autoscaler stops only replicas with nothing unacked (src/main/broker/consumer-load.ts).
 */
export const REPLICA_CLIENT_PROPERTY = 'scrapedeck_replica'
