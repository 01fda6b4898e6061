/**
 * REST client of the crawl coordinator (the API service's /crawls routes), for the panel,
 * the CLI and tests. fetch only, no Node imports. Every failure is a CrawlClientError whose
 * `kind` is the error kind the API answered (src/shared/error-kinds.ts: CrawlNotFound,
 * InvalidCrawl, CrawlConflict…), or CrawlerUnavailable when there was no usable answer (none,
 * a timeout, an API without crawl routes, a body that is not the contract's).
 */
import type { z } from 'zod'
import {
  CrawlDeleteResponseSchema,
  CrawlDetailSchema,
  CrawlItemsPageSchema,
  CrawlListResponseSchema,
  CrawlStartResponseSchema,
  CrawlSummarySchema
} from '../../shared/crawl'
import { isConnectionReset } from '../../services/connection-reset'
import { logQueryParams } from '../../services/api/log-routes'
import { LogPageSchema } from '../../shared/log-record'
import type { LogPage, LogQuery } from '../../shared/log-record'
import { ERROR_RULES, isErrorKind } from '../../shared/error-kinds'
import type { ErrorKind } from '../../shared/error-kinds'
import type {
  CrawlAction,
  CrawlDetail,
  CrawlItemsPage,
  CrawlItemsQuery,
  CrawlListResponse,
  CrawlStartRequest,
  CrawlStartResponse,
  CrawlSummary,
  ExportFormat
} from '../../shared/crawl'

export class CrawlClientError extends Error {
  override readonly name = 'CrawlClientError'
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** The API's hint (or this client's); null for the kind's own. */
    readonly hint: string | null = null,
    /** The HTTP status, when the API answered. */
    readonly status: number | null = null
  ) {
    super(message)
  }
}

export interface CrawlClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string
  /** Per request, until the response headers. Default 10000 ms. */
  timeoutMs?: number
}

export class CrawlClient {
  private readonly baseUrl: string
  private readonly timeoutMs: number

  constructor(options: CrawlClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  start(request: CrawlStartRequest): Promise<CrawlStartResponse> {
    return this.json('POST', '/crawls', CrawlStartResponseSchema, request)
  }

  list(): Promise<CrawlListResponse> {
    return this.json('GET', '/crawls', CrawlListResponseSchema)
  }

  get(id: string): Promise<CrawlDetail> {
    return this.json('GET', `/crawls/${encodeURIComponent(id)}`, CrawlDetailSchema)
  }

  items(id: string, query: CrawlItemsQuery = {}): Promise<CrawlItemsPage> {
    const params = new URLSearchParams()
    if (query.state !== undefined) params.set('state', query.state)
    if (query.cursor !== undefined) params.set('cursor', query.cursor)
    if (query.limit !== undefined) params.set('limit', String(query.limit))
    const qs = params.size > 0 ? `?${params.toString()}` : ''
    return this.json('GET', `/crawls/${encodeURIComponent(id)}/items${qs}`, CrawlItemsPageSchema)
  }

  action(id: string, action: CrawlAction): Promise<CrawlSummary> {
    return this.json('POST', `/crawls/${encodeURIComponent(id)}/${action}`, CrawlSummarySchema)
  }

  async remove(id: string): Promise<{ deleted: boolean }> {
    return this.json('DELETE', `/crawls/${encodeURIComponent(id)}`, CrawlDeleteResponseSchema)
  }

  /** A page of the stack's log (GET /logs, served by the same API; src/shared/log-record.ts). */
  logs(query: Partial<LogQuery>): Promise<LogPage> {
    return this.json('GET', `/logs?${logQueryParams(query).toString()}`, LogPageSchema)
  }

  /** The export's body as it streams from the API (JSON Lines or CSV). */
  async export(id: string, format: ExportFormat): Promise<ReadableStream<Uint8Array>> {
    const response = await this.request('GET', `/crawls/${encodeURIComponent(id)}/export?format=${format}`)
    if (response.body === null)
      throw new CrawlClientError('CrawlerUnavailable', 'The export answered no body', null, response.status)
    return response.body
  }

  private async json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body?: unknown
  ): Promise<z.infer<S>> {
    const response = await this.request(method, path, body)
    let value: unknown
    try {
      value = await response.json()
    } catch (err) {
      throw new CrawlClientError(
        'CrawlerUnavailable',
        `The API answered ${method} ${path} with a body that is not JSON: ${messageOf(err)}`
      )
    }
    const parsed = schema.safeParse(value)
    if (!parsed.success) {
      throw new CrawlClientError(
        'CrawlerUnavailable',
        `The API answered ${method} ${path} with an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        'The API may be an older version than the panel; rebuild the stack images.'
      )
    }
    return parsed.data
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const url = `${this.baseUrl}${path}`
    // The deadline is for the answer's headers only: an export streams for as long as it is
    // big, and AbortSignal.timeout would cut its body off mid-download.
    const deadline = new AbortController()
    const timer = setTimeout(
      () => deadline.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' })),
      this.timeoutMs
    )
    const send = (): Promise<Response> =>
      fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: deadline.signal
      })
    let response: Response
    try {
      // A GET on a kept-alive connection the API closed just then (its idle timeout) never
      // reached it: sent once more on a fresh connection. Other methods are not repeated.
      response = await send().catch((err: unknown) => {
        if (method !== 'GET' || deadline.signal.aborted || !isConnectionReset(err)) throw err
        return send()
      })
    } catch (err) {
      const timedOut = deadline.signal.aborted
      throw new CrawlClientError(
        'CrawlerUnavailable',
        timedOut
          ? `The API did not answer ${method} ${path} within ${this.timeoutMs} ms`
          : `The API at ${this.baseUrl} cannot be reached: ${messageOf(err)}`,
        'Is the stack up? The crawl coordinator runs in the api service.'
      )
    } finally {
      clearTimeout(timer)
    }
    if (response.ok) return response
    throw await errorOf(response)
  }
}

async function errorOf(response: Response): Promise<CrawlClientError> {
  let kind: unknown
  let message = `The API answered ${response.status}`
  let hint: string | null = null
  try {
    const body = (await response.json()) as { error?: { kind?: unknown; message?: unknown; hint?: unknown } }
    kind = body.error?.kind
    if (typeof body.error?.message === 'string') message = body.error.message
    if (typeof body.error?.hint === 'string') hint = body.error.hint
  } catch {
    // Not the API's error shape (a proxy's page, say): the status says enough.
  }
  const status = response.status
  if (status === 404 && (kind === undefined || kind === 'CrawlNotFound'))
    return new CrawlClientError('CrawlNotFound', message, hint, status)
  // Any other 404 means no /crawls route: an API without the coordinator.
  if (status === 404)
    return new CrawlClientError(
      'CrawlerUnavailable',
      message,
      'This API has no crawl routes; rebuild the stack images.',
      status
    )
  // The kind is the truth; its status must agree, or the answer is not one of ours.
  if (isErrorKind(kind) && ERROR_RULES[kind].status === status) return new CrawlClientError(kind, message, hint, status)
  if (status >= 400 && status < 500) return new CrawlClientError('InvalidCrawl', message, hint, status)
  return new CrawlClientError('CrawlerUnavailable', message, hint, status)
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message
  return String(err)
}
