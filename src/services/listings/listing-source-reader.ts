/**
 * Reads one cached listing's stored bytes: `GET /<index>/_source/<id>` over keep-alive
 * connections, without the official client. Its transport (request building, events,
 * response parse) cost more CPU than all the rest of a cached lookup, and a lookup only
 * needs the bytes. Only this hot read takes this path; writes, search, health and index
 * management stay on the official client. Credentials are the URL's, as the client takes
 * them, sent as a Basic Authorization header (never logged).
 */
import http from 'node:http'
import https from 'node:https'
import { userinfoOf } from '../../shared/stack-credentials'

/** Elasticsearch could not be read: its message is the one line for logs and health. */
export class ElasticsearchReadFailed extends Error {
  override name = 'ElasticsearchReadFailed'
}

export interface SourceEndpoint {
  https: boolean
  hostname: string
  port: number
  /** `/<index>/_source/`, under the URL's own path if it has one. */
  pathPrefix: string
  /** `Basic …`, or null when the URL names no user. */
  authorization: string | null
}

/** Where a listing's source is read from, given the Elasticsearch URL (credentials in it) and the index. */
export function sourceEndpoint(elasticsearchUrl: string, index: string): SourceEndpoint {
  const url = new URL(elasticsearchUrl)
  const secure = url.protocol === 'https:'
  if (!secure && url.protocol !== 'http:') throw new Error(`The Elasticsearch URL must be http: or https:, got ${url.protocol}`)
  const user = userinfoOf(elasticsearchUrl)
  return {
    https: secure,
    // An IPv6 literal comes bracketed in a URL, bare in a socket address.
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    pathPrefix: `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(index)}/_source/`,
    authorization: user === null ? null : `Basic ${Buffer.from(`${user.user}:${user.password}`).toString('base64')}`
  }
}

/** "Elasticsearch answered 503: <reason>", the shape describeEsError gives the client's errors. */
export function describeAnswer(status: number, body: Buffer): string {
  let reason: string | undefined
  try {
    const error = (JSON.parse(body.toString('utf8')) as { error?: { reason?: unknown; type?: unknown } | string }).error
    reason = typeof error === 'string' ? error : typeof error?.reason === 'string' ? error.reason : typeof error?.type === 'string' ? error.type : undefined
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return `Elasticsearch answered ${status}: ${reason ?? (body.length > 0 ? body.toString('utf8', 0, Math.min(body.length, 200)) : 'no body')}`
}

/** More sockets than this to one Elasticsearch node only queue inside it. */
const MAX_SOCKETS = 64

export class ListingSourceReader {
  private readonly endpoint: SourceEndpoint
  private readonly agent: http.Agent
  private readonly headers: http.OutgoingHttpHeaders

  constructor(
    elasticsearchUrl: string,
    index: string,
    /** As the official client's requestTimeout: a lookup must not wait long on a cache it can skip. */
    private readonly timeoutMs: number
  ) {
    this.endpoint = sourceEndpoint(elasticsearchUrl, index)
    const options = { keepAlive: true, maxSockets: MAX_SOCKETS }
    this.agent = this.endpoint.https ? new https.Agent(options) : new http.Agent(options)
    this.headers = this.endpoint.authorization === null ? {} : { authorization: this.endpoint.authorization }
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
      // A kept-alive socket the server closed just before we wrote on it: one retry, on a
      // fresh socket, as Node's documentation advises (the GET is idempotent).
      if (err instanceof StaleSocket) return this.get(id)
      throw err
    }
  }

  close(): void {
    this.agent.destroy()
  }

  private get(id: string): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      const request = (this.endpoint.https ? https : http).request(
        {
          hostname: this.endpoint.hostname,
          port: this.endpoint.port,
          path: this.endpoint.pathPrefix + id,
          headers: this.headers,
          agent: this.agent,
          timeout: this.timeoutMs
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.once('error', (err) => reject(unreachable(err)))
          response.once('end', () => {
            const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
            const status = response.statusCode ?? 0
            if (status === 200) resolve(body)
            else if (status === 404) resolve(null) // no such document, or no such index: a miss either way
            else reject(new ElasticsearchReadFailed(describeAnswer(status, body)))
          })
        }
      )
      request.once('timeout', () => request.destroy(new ElasticsearchReadFailed('Elasticsearch did not answer in time')))
      request.once('error', (err: NodeJS.ErrnoException) => {
        if (request.reusedSocket && err.code === 'ECONNRESET') reject(new StaleSocket())
        else reject(err instanceof ElasticsearchReadFailed ? err : unreachable(err))
      })
      request.end()
    })
  }
}

class StaleSocket extends ElasticsearchReadFailed {
  constructor() {
    super('Elasticsearch closed a kept-alive connection')
  }
}

function unreachable(err: NodeJS.ErrnoException): ElasticsearchReadFailed {
  return new ElasticsearchReadFailed(`Elasticsearch could not be reached: ${err.code ?? err.message}`, { cause: err })
}
