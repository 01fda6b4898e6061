/**
 * Reads one cached listing's stored bytes: `GET /<index>/_source/<id>` over keep-alive
 * connections (an undici Pool, dispatched with bare callbacks), without the official
 * client. Its transport (request building, events, response parse) cost more CPU than all
 * the rest of a cached lookup, and a lookup only needs the bytes; measured against
 * node:http's Agent too, the Pool took ~40 µs less CPU per read here. Only this hot read
 * takes this path; writes, search, health and index management stay on the official
 * client. Credentials are the URL's, as the client takes them, sent as a Basic
 * Authorization header (never logged).
 */
import { Pool } from 'undici'
import type { Dispatcher } from 'undici'
import { userinfoOf } from '../../shared/stack-credentials'
import { isConnectionReset } from '../connection-reset'

/** Elasticsearch could not be read: its message is the one line for logs and health. */
export class ElasticsearchReadFailed extends Error {
  override name = 'ElasticsearchReadFailed'
}

export interface SourceEndpoint {
  /** `http(s)://host:port`, no credentials. */
  origin: string
  /** `/<index>/_source/`, under the URL's own path if it has one. */
  pathPrefix: string
  /** `Basic …`, or null when the URL names no user. */
  authorization: string | null
}

/** Where a listing's source is read from, given the Elasticsearch URL (credentials in it) and the index. */
export function sourceEndpoint(elasticsearchUrl: string, index: string): SourceEndpoint {
  const url = new URL(elasticsearchUrl)
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`The Elasticsearch URL must be http: or https:, got ${url.protocol}`)
  const user = userinfoOf(elasticsearchUrl)
  return {
    origin: url.origin,
    pathPrefix: `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(index)}/_source/`,
    authorization: user === null ? null : `Basic ${Buffer.from(`${user.user}:${user.password}`).toString('base64')}`
  }
}

/** "Elasticsearch answered 503: <reason>", the shape describeEsError gives the client's errors. */
export function describeAnswer(status: number, body: Buffer): string {
  let reason: string | undefined
  try {
    const error = (JSON.parse(body.toString('utf8')) as { error?: { reason?: unknown; type?: unknown } | string }).error
    reason =
      typeof error === 'string'
        ? error
        : typeof error?.reason === 'string'
          ? error.reason
          : typeof error?.type === 'string'
            ? error.type
            : undefined
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return `Elasticsearch answered ${status}: ${reason ?? (body.length > 0 ? body.toString('utf8', 0, Math.min(body.length, 200)) : 'no body')}`
}

/** More connections than this to one Elasticsearch node only queue inside it. */
const MAX_CONNECTIONS = 64
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

export class ListingSourceReader {
  private readonly endpoint: SourceEndpoint
  private readonly pool: Pool
  private readonly headers: Record<string, string> | null

  constructor(
    elasticsearchUrl: string,
    index: string,
    /** As the official client's requestTimeout: a lookup must not wait long on a cache it can skip. */
    timeoutMs: number
  ) {
    this.endpoint = sourceEndpoint(elasticsearchUrl, index)
    this.pool = new Pool(this.endpoint.origin, {
      connections: MAX_CONNECTIONS,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: { timeout: timeoutMs }
    })
    this.headers = this.endpoint.authorization === null ? null : { authorization: this.endpoint.authorization }
  }

  /**
   * The stored bytes of the listing with this id (a valid listing id: it goes into the path
   * as it is), null when Elasticsearch has no such document or no such index. Throws
   * ElasticsearchReadFailed when Elasticsearch cannot be reached, is too slow or answers
   * anything else.
   */
  async read(id: string): Promise<Buffer | null> {
    try {
      return await this.get(id)
    } catch (err) {
      // A kept-alive connection the server closed as we wrote on it (connection-reset.ts): one
      // retry on a fresh one (the GET is idempotent); a down Elasticsearch refuses that one at once.
      if (err instanceof ElasticsearchReadFailed && isConnectionReset(err)) return this.get(id)
      throw err
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy()
  }

  private get(id: string): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let status = 0
      const handler: Dispatcher.DispatchHandlers = {
        onConnect() {},
        onHeaders(statusCode) {
          status = statusCode
          return true
        },
        onData(chunk) {
          chunks.push(chunk)
          return true
        },
        onComplete() {
          const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
          if (status === 200) resolve(body)
          else if (status === 404)
            resolve(null) // no such document, or no such index: a miss either way
          else reject(new ElasticsearchReadFailed(describeAnswer(status, body)))
        },
        onError(err: Error & { code?: string }) {
          const message = TIMEOUT_CODES.has(err.code ?? '')
            ? 'Elasticsearch did not answer in time'
            : `Elasticsearch could not be reached: ${err.code ?? err.message}`
          reject(new ElasticsearchReadFailed(message, { cause: err }))
        }
      }
      this.pool.dispatch({ path: this.endpoint.pathPrefix + id, method: 'GET', headers: this.headers }, handler)
    })
  }
}
