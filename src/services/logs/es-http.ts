/**
 * Elasticsearch over plain `fetch` for the log store: every request has its own deadline and
 * is never retried here, so a log store that is down or slow costs a caller one bounded
 * wait and an error, never a hang (the shipper decides when to try again).
 */
export interface EsEndpoint {
  /** The URL without credentials, no trailing slash. */
  base: string
  headers: Record<string, string>
}

/** `http://elastic:pw@es:9200` → the base URL and its Basic authorization header (fetch refuses credentials in a URL). */
export function esEndpoint(url: string): EsEndpoint {
  const parsed = new URL(url)
  const headers: Record<string, string> = {}
  if (parsed.username !== '') {
    const user = decodeURIComponent(parsed.username)
    const password = decodeURIComponent(parsed.password)
    headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
  }
  parsed.username = ''
  parsed.password = ''
  return { base: parsed.toString().replace(/\/$/, ''), headers }
}

/** A request to the log store that got no answer, or an error answer (its status). */
export class LogStoreUnavailable extends Error {
  override name = 'LogStoreUnavailable' as const
  constructor(
    message: string,
    /** The HTTP status, or 0 when no answer came (refused, reset, timed out). */
    readonly status: number
  ) {
    super(message)
  }
}

/** One request; its JSON answer, or LogStoreUnavailable (with the status) when it failed or answered ≥ 400. */
export async function esRequest<T>(
  endpoint: EsEndpoint,
  method: string,
  path: string,
  options: { body?: unknown; ndjson?: string; timeoutMs: number }
): Promise<T> {
  const headers: Record<string, string> = { ...endpoint.headers }
  let body: string | undefined
  if (options.ndjson !== undefined) {
    headers['content-type'] = 'application/x-ndjson'
    body = options.ndjson
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  let response: Response
  let text: string
  try {
    response = await fetch(`${endpoint.base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(options.timeoutMs)
    })
    text = await response.text()
  } catch (err) {
    const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)
    throw new LogStoreUnavailable(`Elasticsearch did not answer ${method} ${path}: ${cause}`, 0)
  }
  if (response.status >= 400) {
    let reason = text.slice(0, 300)
    try {
      const parsed = JSON.parse(text) as { error?: { reason?: string; type?: string } }
      reason = parsed.error?.reason ?? parsed.error?.type ?? reason
    } catch {
      // not JSON: the text itself
    }
    throw new LogStoreUnavailable(
      `Elasticsearch answered ${response.status} to ${method} ${path}: ${reason}`,
      response.status
    )
  }
  return (text === '' ? {} : JSON.parse(text)) as T
}
