/**
 * The real scrape function: an RPC call to the scraper service, its answer checked. A scrape
 * is idempotent, so it waits out a broker restart within its deadline (idempotent-call.ts).
 */
import { ListingSchema } from '../../shared/listing'
import type { Listing } from '../../shared/listing'
import type { RpcClient } from '../rpc/client'
import { callIdempotent } from '../rpc/idempotent-call'
import { BrokerUnavailable, NoConsumer } from '../rpc/errors'
import type { ScrapeFn } from './listing-lookup'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'

export const SCRAPE_METHOD = 'get_job_listing_info'
/** The same scrape on a named source: (source, job_listing_id). */
export const SOURCE_SCRAPE_METHOD = 'get_source_listing_info'

/** The scraper answered something that is not a Listing (a different or broken scraper). */
export class MalformedListing extends Error {
  override name = 'MalformedListing'
  constructor(
    readonly service: string,
    detail: string
  ) {
    super(`${service}.${SCRAPE_METHOD} answered something that is not a listing: ${detail}`)
  }
}

export function rpcScrape(client: RpcClient, service: string, timeoutMs?: number): ScrapeFn {
  return async (id: string, source?: string): Promise<Listing> => {
    // With no replica consuming, the request would wait out the whole timeout and stay
    // queued for whichever replica starts next: say so now and send nothing. (While the
    // broker is away the count cannot be read; the call then waits for it as it does.)
    if (await noReplicaConsumes(client, service)) throw new NoConsumer(service)
    // The default source goes by the method every scraper (and any Nameko one) has had.
    const result =
      source === undefined || source === DEFAULT_SOURCE_NAME
        ? await callIdempotent(client, service, SCRAPE_METHOD, [id], {}, timeoutMs)
        : await callIdempotent(client, service, SOURCE_SCRAPE_METHOD, [source, id], {}, timeoutMs)
    const parsed = ListingSchema.safeParse(result)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new MalformedListing(
        service,
        issue === undefined ? 'invalid' : `${issue.path.join('.') || '(root)'}: ${issue.message}`
      )
    }
    return parsed.data
  }
}

/**
 * After the broker came back, its replicas reconnect a moment after us: until they do, an
 * empty queue means "wait", not "none runs", and the call rides out the gap. The count is an
 * early refusal only; when it cannot be read the call goes ahead and waits as it always did.
 */
const RECONNECT_GRACE_MS = 60_000
/** The count takes a channel of its own; one the broker does not open in time is no answer. */
const COUNT_TIMEOUT_MS = 2_000

async function noReplicaConsumes(client: RpcClient, service: string): Promise<boolean> {
  if (!client.connected) return false
  const sinceReconnect = client.sinceReconnectMs()
  if (sinceReconnect !== null && sinceReconnect < RECONNECT_GRACE_MS) return false
  let timer: NodeJS.Timeout | undefined
  const count = await Promise.race([
    client.consumerCount(service).catch((err: unknown) => {
      if (err instanceof BrokerUnavailable) return null
      throw err
    }),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), COUNT_TIMEOUT_MS)))
  ]).finally(() => clearTimeout(timer))
  return count === 0
}
