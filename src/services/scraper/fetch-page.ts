/**
 * Fetches one page with hard limits: a deadline for the whole exchange (redirects and body
 * included), a redirect cap, and a body-size cap enforced while streaming, so a hostile or
 * broken source can neither hang a worker nor fill its memory. A request whose connection
 * is reset under it (a stale kept-alive connection) is retried once.
 */
import { isConnectionReset, networkErrorCode, networkErrorSource } from '../connection-reset'
import { BUSY_STATUS, REFUSING_STATUSES, SourceRefused, busyReason, parseRetryAfter } from '../politeness/refusal'
import { newFetchTrace } from './fetch-report'
import type { FetchTrace } from './fetch-report'
import type { PageValidators } from './page-validators'
import {
  ListingNotFound,
  ListingNotModified,
  NotAJobListing,
  PageTooLarge,
  SourceTimeout,
  SourceUnavailable
} from './scrape-errors'

export interface FetchLimits {
  timeoutMs: number
  maxBytes: number
  maxRedirects: number
  userAgent: string
  /** The validators of the copy the caller holds: sent as a conditional GET, a 304 is ListingNotModified. */
  validators?: PageValidators | null
}

export interface FetchedPage {
  /** The URL the body came from, after redirects. */
  url: string
  html: string
  /** What the source gave to validate this copy with next time. */
  validators: PageValidators
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
const NOT_MODIFIED = 304
const NOT_FOUND_STATUSES = new Set([404, 410])
/** Types a listing page can plausibly be served as; anything else (PDF, image, JSON) is not one. */
const PAGE_TYPES = /^(text\/html|application\/xhtml\+xml|text\/plain)$/i

/** `trace` gets the final status, bytes read, redirects and a timeout as they happen, whatever the outcome. */
export async function fetchPage(
  startUrl: string,
  limits: FetchLimits,
  trace: FetchTrace = newFetchTrace()
): Promise<FetchedPage> {
  const deadline = AbortSignal.timeout(limits.timeoutMs)
  try {
    return await fetchWithinDeadline(startUrl, limits, deadline, trace)
  } catch (err) {
    if (deadline.aborted) {
      trace.timedOut = true
      throw new SourceTimeout(startUrl, limits.timeoutMs)
    }
    throw err
  }
}

async function fetchWithinDeadline(
  startUrl: string,
  limits: FetchLimits,
  deadline: AbortSignal,
  trace: FetchTrace
): Promise<FetchedPage> {
  const origin = new URL(startUrl).origin
  let url = startUrl
  for (let redirects = 0; ; redirects++) {
    trace.status = null
    const response = await request(url, limits, deadline)
    trace.status = response.status
    if (response.status === NOT_MODIFIED && limits.validators != null) {
      await response.body?.cancel()
      throw new ListingNotModified(url)
    }
    if (!REDIRECT_STATUSES.has(response.status)) {
      const html = await readPage(url, response, limits, trace)
      return {
        url,
        html,
        validators: { etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') }
      }
    }

    await response.body?.cancel()
    const location = response.headers.get('location')
    if (location === null)
      throw new SourceUnavailable(url, `the source answered ${response.status} without a Location header`)
    if (redirects >= limits.maxRedirects) {
      throw new SourceUnavailable(
        startUrl,
        `more than ${limits.maxRedirects} redirects (last one from ${url} to ${location})`
      )
    }
    const next = new URL(location, url)
    // Same origin only: the origin in the source's URL template is the one the user chose to
    // trust. Following a board's open redirect elsewhere would let a page make the scraper
    // fetch arbitrary hosts, internal ones included.
    if (next.origin !== origin) {
      throw new SourceUnavailable(
        startUrl,
        `redirected to another origin (${next.href}); point the source's listing URL template at it if it is the real board`
      )
    }
    url = next.href
    trace.redirects = redirects + 1
  }
}

/** A GET whose connection died under it (connection-reset.ts) gets one retry on a fresh connection, within the same deadline. */
async function request(url: string, limits: FetchLimits, deadline: AbortSignal): Promise<Response> {
  try {
    return await get(url, limits, deadline)
  } catch (err) {
    if (deadline.aborted || !isConnectionReset(err)) throw requestFailed(url, err, deadline)
  }
  try {
    return await get(url, limits, deadline)
  } catch (err) {
    throw requestFailed(url, err, deadline)
  }
}

function get(url: string, limits: FetchLimits, deadline: AbortSignal): Promise<Response> {
  return fetch(url, {
    redirect: 'manual',
    signal: deadline,
    headers: {
      'user-agent': limits.userAgent,
      accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
      ...conditionalHeaders(limits.validators ?? null)
    }
  })
}

function conditionalHeaders(validators: PageValidators | null): Record<string, string> {
  if (validators === null) return {}
  return {
    ...(validators.etag === null ? {} : { 'if-none-match': validators.etag }),
    ...(validators.lastModified === null ? {} : { 'if-modified-since': validators.lastModified })
  }
}

/** The deadline's own abort goes up as is (fetchPage names it); anything else is SourceUnavailable. */
function requestFailed(url: string, err: unknown, deadline: AbortSignal): unknown {
  if (deadline.aborted) return err
  return new SourceUnavailable(url, `the request failed (${describeNetworkError(err)})`, { cause: err })
}

async function readPage(url: string, response: Response, limits: FetchLimits, trace: FetchTrace): Promise<string> {
  if (NOT_FOUND_STATUSES.has(response.status)) {
    await response.body?.cancel()
    throw new ListingNotFound(url, response.status)
  }
  if (REFUSING_STATUSES.has(response.status)) {
    await response.body?.cancel()
    throw new SourceRefused(url, response.status, parseRetryAfter(response.headers.get('retry-after')))
  }
  if (response.status === BUSY_STATUS) {
    await response.body?.cancel()
    throw new SourceUnavailable(
      url,
      busyReason(response.statusText, parseRetryAfter(response.headers.get('retry-after')))
    )
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw new SourceUnavailable(url, `the source answered ${response.status} ${response.statusText}`.trimEnd())
  }
  const contentType = parseContentType(response.headers.get('content-type'))
  if (contentType.mediaType !== null && !PAGE_TYPES.test(contentType.mediaType)) {
    await response.body?.cancel()
    throw new NotAJobListing(url, `it is served as ${contentType.mediaType}, not as an HTML page`)
  }
  const declaredLength = Number(response.headers.get('content-length') ?? NaN)
  if (declaredLength > limits.maxBytes) {
    await response.body?.cancel()
    throw new PageTooLarge(url, limits.maxBytes, `Content-Length says ${declaredLength} bytes`)
  }
  const body = await readBodyCapped(url, response, limits.maxBytes, trace)
  return decode(body, contentType.charset)
}

/** Reads the body chunk by chunk and gives up as soon as it passes the cap, whatever Content-Length claimed. */
async function readBodyCapped(
  url: string,
  response: Response,
  maxBytes: number,
  trace: FetchTrace
): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array()
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read().catch((err: unknown) => {
      throw new SourceUnavailable(url, `the connection broke while reading the page (${describeNetworkError(err)})`, {
        cause: err
      })
    })
    if (done) break
    size += value.byteLength
    trace.bytes = size
    if (size > maxBytes) {
      await reader.cancel()
      throw new PageTooLarge(url, maxBytes, `stopped reading after ${size} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

function decode(body: Uint8Array, charset: string | null): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body)
  } catch {
    // An unknown charset label: UTF-8 is the best guess for a modern page.
    return new TextDecoder('utf-8').decode(body)
  }
}

function parseContentType(header: string | null): { mediaType: string | null; charset: string | null } {
  if (header === null) return { mediaType: null, charset: null }
  const [mediaType = '', ...params] = header.split(';').map((part) => part.trim())
  const charsetParam = params.find((param) => param.toLowerCase().startsWith('charset='))
  const charset = charsetParam?.slice('charset='.length).replace(/^"|"$/g, '') ?? null
  return { mediaType: mediaType === '' ? null : mediaType.toLowerCase(), charset }
}

function describeNetworkError(err: unknown): string {
  const source = networkErrorSource(err)
  if (source instanceof Error) {
    const code = networkErrorCode(err)
    return code !== null && !source.message.includes(code) ? `${code}: ${source.message}` : source.message
  }
  return String(source)
}
