/**
 * The Elasticsearch client as the cache uses it: short timeouts and no client-side retries,
 * because a lookup must not wait long on a cache that can always be skipped (the scraper
 * answers instead, and ListingCache retries writes itself).
 */
import { Client, errors } from '@elastic/elasticsearch'
import { ElasticsearchReadFailed } from './listing-source-reader'

export const DEFAULT_ES_REQUEST_TIMEOUT_MS = 1500

export function createElasticsearchClient(url: string, requestTimeoutMs = DEFAULT_ES_REQUEST_TIMEOUT_MS): Client {
  return new Client({ node: url, requestTimeout: requestTimeoutMs, maxRetries: 0 })
}

/**
 * Whether trying again later may succeed: Elasticsearch unreachable, slow, overloaded or
 * failing. A 4xx answer (other than 408/429) means the request itself is wrong.
 */
export function isTransientEsError(err: unknown): boolean {
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0
    return status >= 500 || status === 408 || status === 429 || status === 0
  }
  return err instanceof errors.ElasticsearchClientError
}

/** One line saying what went wrong, for logs and health. */
export function describeEsError(err: unknown): string {
  if (err instanceof errors.ResponseError) {
    const reason = (err.body as { error?: { reason?: string; type?: string } } | undefined)?.error
    return `Elasticsearch answered ${err.statusCode ?? '?'}: ${reason?.reason ?? reason?.type ?? err.message}`
  }
  if (err instanceof errors.TimeoutError) return 'Elasticsearch did not answer in time'
  if (err instanceof ElasticsearchReadFailed) return err.message
  if (err instanceof Error) return `${err.name}: ${err.message}`
  return String(err)
}
