/**
 * Which replica holds each consumer of a queue, and how many messages it has unacked: from
 * the RabbitMQ management API's consumers (queue → channel), channels (unacked per channel)
 * and connections (the replica's client property, REPLICA_CLIENT_PROPERTY, and its peer
 * address). The autoscaler stops only replicas with nothing unacked. The broker refreshes
 * channel figures every collect_statistics_interval (5 s by default), so a count can be that old;
 * the replica's own graceful stop (cancel, finish, ack) covers a call that came in meanwhile.
 */
import { REPLICA_CLIENT_PROPERTY } from '../../shared/rpc-names'
import { managementGet } from './management-api'
import type { ManagementApiOptions } from './management-api'

export interface ConsumerLoad {
  /** The replica's name from its connection's client property; null for consumers that send none (a Nameko peer). */
  replica: string | null
  /** The connection's peer address (a container's address on the project network). */
  peerHost: string | null
  /** The channel's unacked messages: the calls the replica has in flight. */
  unacked: number
  consumerTag: string
}

interface RawConsumer {
  consumer_tag: string
  queue?: { name?: string }
  channel_details?: { name?: string; connection_name?: string; peer_host?: string }
}
interface RawChannel {
  name: string
  messages_unacknowledged?: number
}
interface RawConnection {
  name: string
  client_properties?: Record<string, unknown>
}

/** Every consumer of `queue` with its replica and unacked count. */
export async function fetchConsumerLoads(options: ManagementApiOptions, queue: string): Promise<ConsumerLoad[]> {
  const vhost = encodeURIComponent(options.vhost ?? '/')
  const [consumers, channels, connections] = await Promise.all([
    managementGet<RawConsumer[]>(options, `/api/consumers/${vhost}`),
    managementGet<RawChannel[]>(options, `/api/vhosts/${vhost}/channels?columns=name,messages_unacknowledged`),
    managementGet<RawConnection[]>(options, `/api/vhosts/${vhost}/connections?columns=name,client_properties`)
  ])
  const unackedByChannel = new Map(channels.map((c) => [c.name, c.messages_unacknowledged ?? 0]))
  const replicaByConnection = new Map(connections.map((c) => [c.name, c.client_properties?.[REPLICA_CLIENT_PROPERTY]]))
  return consumers
    .filter((c) => c.queue?.name === queue)
    .map((c) => {
      const replica = replicaByConnection.get(c.channel_details?.connection_name ?? '')
      return {
        replica: typeof replica === 'string' ? replica : null,
        peerHost: c.channel_details?.peer_host ?? null,
        unacked: unackedByChannel.get(c.channel_details?.name ?? '') ?? 0,
        consumerTag: c.consumer_tag
      }
    })
}
