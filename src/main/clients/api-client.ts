/**
 * What every REST client of the API service shares (crawl-client.ts, source-client.ts): the
 * base URL and deadline, the JSON request, the check of the answer against the contract, and
 * one error class. fetch only, no Node imports. Every failure is an ApiClientError whose
 * `kind` is the error kind the API answered (src/shared/error-kinds.ts), or the client's
 * `unavailable` kind when there was no usable answer (none, a timeout, an API without these
 * routes, a body that is not the contract's).
 */
import type { z } from 'zod'
import { isConnectionReset } from '../../services/connection-reset'
import { ERROR_RULES, isErrorKind } from '../../shared/error-kinds'
import type { ErrorKind } from '../../shared/error-kinds'

export class ApiClientError extends Error {
  override readonly name = 'ApiClientError'
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

export interface ApiClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string
  /** Per request, until the response headers. Default 10000 ms. */
  timeoutMs?: number
}

/** How one family of routes names its failures. */
export interface ApiRoutesErrors {
  /** No usable answer: no connection, a timeout, no such routes, not the contract's shape. */
  unavailable: ErrorKind
  /** A 4xx whose kind is not one of ours. */
  invalid: ErrorKind
  /** A 404 that names no kind (or this kind): the thing asked for is not there. */
  notFound: ErrorKind | null
  /** Where the routes live, for a person who cannot reach them. */
  unreachableHint: string
  /** What a 404 of another kind means: an API without these routes. */
  noRoutesHint: string
}

export abstract class ApiClient {
  protected readonly baseUrl: string
  protected readonly timeoutMs: number

  protected constructor(
    options: ApiClientOptions,
    private readonly errors: ApiRoutesErrors
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  protected async json<S extends z.ZodType>(
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
      throw new ApiClientError(
        this.errors.unavailable,
        `The API answered ${method} ${path} with a body that is not JSON: ${messageOf(err)}`
      )
    }
    const parsed = schema.safeParse(value)
    if (!parsed.success) {
      throw new ApiClientError(
        this.errors.unavailable,
        `The API answered ${method} ${path} with an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        'The API may be an older version than the panel; rebuild the stack images.'
      )
    }
    return parsed.data
  }

  /** The answer when it is a success; its body may still be streaming. */
  protected async request(method: string, path: string, body?: unknown): Promise<Response> {
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
      throw new ApiClientError(
        this.errors.unavailable,
        timedOut
          ? `The API did not answer ${method} ${path} within ${this.timeoutMs} ms`
          : `The API at ${this.baseUrl} cannot be reached: ${messageOf(err)}`,
        this.errors.unreachableHint
      )
    } finally {
      clearTimeout(timer)
    }
    if (response.ok) return response
    throw await this.errorOf(response)
  }

  private async errorOf(response: Response): Promise<ApiClientError> {
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
    const { status } = response
    const { notFound } = this.errors
    if (status === 404 && notFound !== null && (kind === undefined || kind === notFound))
      return new ApiClientError(notFound, message, hint, status)
    // The kind is the truth; its status must agree, or the answer is not one of ours.
    if (isErrorKind(kind) && ERROR_RULES[kind].status === status) return new ApiClientError(kind, message, hint, status)
    if (status === 404) return new ApiClientError(this.errors.unavailable, message, this.errors.noRoutesHint, status)
    if (status >= 400 && status < 500) return new ApiClientError(this.errors.invalid, message, hint, status)
    return new ApiClientError(this.errors.unavailable, message, hint, status)
  }
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message
  return String(err)
}
