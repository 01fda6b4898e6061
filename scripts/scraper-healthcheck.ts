/**
 * Container healthcheck for one scraper replica: exits 0 only if RabbitMQ lists a consumer
 * on the scraper's RPC queue whose connection comes from THIS container's address.
 *
 * Why this and not something cheaper: a replica is useful exactly when the broker can hand
 * it requests, i.e. when it holds a consumer on the shared `rpc-<service>` queue.
 * - "The process is running" is already what the container state says; it stays true for
 *   a scraper whose connection dropped and has not recovered.
 * - "The queue has a consumer" (AMQP checkQueue's consumerCount) stays true for a dead
 *   replica as long as any sibling is alive, so with `--scale scraper=3` it proves nothing
 *   about this container.
 * - An RPC round trip goes to whichever replica the broker picks, same problem.
 * The management API names each consumer's connection peer address; containers on the
 * project network reach the broker without NAT, so that address is this container's own.
 *
 * Configured by the same env as the scraper: AMQP_URI (credentials and vhost; the stack's
 * RABBITMQ_DEFAULT_USER / _PASS fill in a URI without a user), SCRAPER_SERVICE_NAME, and
 * RABBITMQ_MANAGEMENT_URL (default: the AMQP host on port 15672).
 */
import { networkInterfaces } from 'node:os'
import { DEFAULT_SCRAPER_SERVICE, amqpUriFromEnv, envString } from '../src/services/env'

const TIMEOUT_MS = 4_000

interface ConsumerDetail {
  channel_details?: { peer_host?: unknown }
}

function ownAddresses(): Set<string> {
  const addresses = new Set<string>()
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) if (!entry.internal) addresses.add(entry.address)
  }
  return addresses
}

function consumerPeers(body: unknown): string[] {
  const details = (body as { consumer_details?: unknown } | null)?.consumer_details
  if (!Array.isArray(details)) throw new Error('management API answer has no consumer_details')
  return (details as ConsumerDetail[])
    .map((detail) => detail.channel_details?.peer_host)
    .filter((host): host is string => typeof host === 'string')
}

async function check(): Promise<string> {
  const amqp = new URL(amqpUriFromEnv())
  const management = new URL(envString('RABBITMQ_MANAGEMENT_URL', `http://${amqp.hostname}:15672`))
  const vhost = amqp.pathname.length > 1 ? decodeURIComponent(amqp.pathname.slice(1)) : '/'
  const queue = `rpc-${envString('SCRAPER_SERVICE_NAME', DEFAULT_SCRAPER_SERVICE)}`
  // A URI without a user logs in as amqplib does then: guest.
  const user = decodeURIComponent(amqp.username || 'guest')
  const password = decodeURIComponent(amqp.password || 'guest')

  const url = new URL(`api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`, management)
  const response = await fetch(url, {
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    signal: AbortSignal.timeout(TIMEOUT_MS)
  })
  if (response.status === 404) throw new Error(`queue ${queue} does not exist yet`)
  if (!response.ok) throw new Error(`management API answered ${response.status} for ${url.pathname}`)

  const peers = consumerPeers(await response.json())
  const mine = ownAddresses()
  const match = peers.find((peer) => mine.has(peer))
  if (match === undefined) {
    throw new Error(
      `no consumer on ${queue} from this container (${[...mine].join(', ')}); consumers from: ${peers.join(', ') || 'none'}`
    )
  }
  return `consuming ${queue} from ${match}`
}

check().then(
  (message) => console.log(`healthy: ${message}`),
  (error: unknown) => {
    console.log(`unhealthy: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
)
