/**
 * REST client of the API service's /sources routes, for the panel, the CLI and tests. fetch
 * only, no Node imports. Every failure is a SourceClientError whose `kind` is a panel error
 * kind: the API's own (InvalidSource, SourceNotFound, SourceNameTaken, SourceConflict), or
 * SourcesUnavailable (no answer, timeout, 5xx, an answer that is not the contract's).
 */
import { z } from 'zod'
import { SOURCE_ERROR_KINDS, SourceDetailSchema, SourceListResponseSchema } from '../../shared/source'
import type {
  SourceDetail,
  SourceEdit,
  SourceErrorKind,
  SourceListResponse,
  SourceSpecInput
} from '../../shared/source'

export class SourceClientError extends Error {
  override readonly name = 'SourceClientError'
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly hint: string | null = null,
    /** The HTTP status, when the API answered. */
    readonly status: number | null = null
  ) {
    super(message)
  }
}

export interface SourceClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string
  /** Per request. Default 10000 ms. */
  timeoutMs?: number
}

const DeletedSchema = z.object({ deleted: z.boolean() })

export class SourceClient {
  private readonly baseUrl: string
  private readonly timeoutMs: number

  constructor(options: SourceClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  list(): Promise<SourceListResponse> {
    return this.json('GET', '/sources', SourceListResponseSchema)
  }

  get(name: string): Promise<SourceDetail> {
    return this.json('GET', `/sources/${encodeURIComponent(name)}`, SourceDetailSchema)
  }

  add(spec: SourceSpecInput): Promise<SourceDetail> {
    return this.json('POST', '/sources', SourceDetailSchema, spec)
  }

  edit(name: string, edit: SourceEdit): Promise<SourceDetail> {
    return this.json('PATCH', `/sources/${encodeURIComponent(name)}`, SourceDetailSchema, edit)
  }

  setPaused(name: string, paused: boolean): Promise<SourceDetail> {
    return this.json('POST', `/sources/${encodeURIComponent(name)}/${paused ? 'pause' : 'resume'}`, SourceDetailSchema)
  }

  remove(name: string): Promise<{ deleted: boolean }> {
    return this.json('DELETE', `/sources/${encodeURIComponent(name)}`, DeletedSchema)
  }

  private async json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body?: unknown
  ): Promise<z.infer<S>> {
    let response: Response
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs)
      })
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError'
      throw new SourceClientError(
        'SourcesUnavailable',
        timedOut
          ? `The API did not answer ${method} ${path} within ${this.timeoutMs} ms`
          : `The API at ${this.baseUrl} cannot be reached: ${messageOf(err)}`,
        'Is the stack up? Sources are kept by the api service.'
      )
    }
    if (!response.ok) throw await errorOf(response)
    let value: unknown
    try {
      value = await response.json()
    } catch (err) {
      throw new SourceClientError(
        'SourcesUnavailable',
        `The API answered ${method} ${path} with a body that is not JSON: ${messageOf(err)}`
      )
    }
    const parsed = schema.safeParse(value)
    if (!parsed.success) {
      throw new SourceClientError(
        'SourcesUnavailable',
        `The API answered ${method} ${path} with an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        'The API may be an older version than the panel; rebuild the stack images.'
      )
    }
    return parsed.data
  }
}

async function errorOf(response: Response): Promise<SourceClientError> {
  let kind = ''
  let message = `The API answered ${response.status}`
  let hint: string | null = null
  try {
    const body = (await response.json()) as { error?: { kind?: unknown; message?: unknown; hint?: unknown } }
    if (typeof body.error?.kind === 'string') kind = body.error.kind
    if (typeof body.error?.message === 'string') message = body.error.message
    if (typeof body.error?.hint === 'string') hint = body.error.hint
  } catch {
    // Not the API's error shape (a proxy's page, say): the status says enough.
  }
  if ((SOURCE_ERROR_KINDS as readonly string[]).includes(kind))
    return new SourceClientError(kind as SourceErrorKind, message, hint, response.status)
  // A 404 of another kind means no /sources route: an API older than sources.
  if (response.status === 404)
    return new SourceClientError(
      'SourcesUnavailable',
      message,
      'This API has no /sources routes; rebuild the stack images.',
      404
    )
  if (response.status >= 400 && response.status < 500)
    return new SourceClientError('InvalidSource', message, hint, response.status)
  return new SourceClientError('SourcesUnavailable', message, hint, response.status)
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message
  return String(err)
}
