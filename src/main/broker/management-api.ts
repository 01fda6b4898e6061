/** Queue numbers from the RabbitMQ management HTTP API (`GET /api/queues/<vhost>`), and its one GET helper. */
import type { QueueMetrics } from '../../shared/contract'
import { rpcServiceOfQueue } from '../../shared/rpc-names'

export interface ManagementApiOptions {
  /** e.g. http://127.0.0.1:15672 */
  url: string
  username: string
  password: string
  vhost?: string
  timeoutMs?: number
}

interface RawQueue {
  name: string
  messages_ready?: number
  messages_unacknowledged?: number
  consumers?: number
  message_stats?: {
    publish_details?: { rate: number }
    deliver_get_details?: { rate: number }
    ack_details?: { rate: number }
  }
}

export class ManagementApiError extends Error {
  override name = 'ManagementApiError'
}

/** Every `rpc-*` queue of the vhost: Nameko declares one per service, so this is service discovery too. */
export async function fetchRpcQueues(options: ManagementApiOptions): Promise<QueueMetrics[]> {
  const vhost = encodeURIComponent(options.vhost ?? '/')
  const columns = 'name,messages_ready,messages_unacknowledged,consumers,message_stats'
  const queues = await managementGet<RawQueue[]>(options, `/api/queues/${vhost}?columns=${columns}`)
  return queues
    .filter((q) => rpcServiceOfQueue(q.name) !== null)
    .map(toMetrics)
    .sort((a, b) => a.queue.localeCompare(b.queue))
}

/** One GET of the management API, as JSON; an unreachable or refusing API is a ManagementApiError saying which. */
export async function managementGet<T>(options: ManagementApiOptions, path: string): Promise<T> {
  let response: Response
  try {
    response = await fetch(`${options.url.replace(/\/$/, '')}${path}`, {
      headers: { authorization: `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000)
    })
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message
    throw new ManagementApiError(`RabbitMQ management API at ${options.url} does not answer (${cause})`)
  }
  if (!response.ok) {
    throw new ManagementApiError(
      `RabbitMQ management API at ${options.url} answered ${response.status} ${response.statusText} for ${path.split('?')[0]}${response.status === 401 ? ' (check the management credentials)' : ''}`
    )
  }
  return (await response.json()) as T
}

function toMetrics(q: RawQueue): QueueMetrics {
  const stats = q.message_stats
  return {
    queue: q.name,
    service: rpcServiceOfQueue(q.name) ?? q.name,
    ready: q.messages_ready ?? 0,
    unacked: q.messages_unacknowledged ?? 0,
    consumers: q.consumers ?? 0,
    // No message_stats yet means no traffic since the queue was made: a rate of 0, not unknown.
    publishRate: stats?.publish_details?.rate ?? 0,
    deliverRate: stats?.deliver_get_details?.rate ?? 0,
    ackRate: stats?.ack_details?.rate ?? 0,
    source: 'management'
  }
}
