/**
 * Fetches one page with hard limits: a deadline for the whole exchange (redirects and body
 * included), a redirect cap, and a body-size cap enforced while streaming, so a hostile or
 * broken source can neither hang a worker nor fill its memory. A request whose connection
 * is reset under it (a stale kept-alive connection) is retried once.
 */
import type { IncomingMessage } from 'node:http'
import type { Readable } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { isConnectionReset, networkErrorCode, networkErrorSource } from '../connection-reset'
import { FetchSlotMissed } from '../politeness/fetch-slot'
import { BUSY_STATUS, REFUSING_STATUSES, SourceRefused, busyReason, parseRetryAfter } from '../politeness/refusal'
import { newFetchTrace } from './fetch-report'
import type { FetchTrace } from './fetch-report'
import { discardBody, headerOf, httpGet } from './http-get'
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
  /** The end of the fetch slot's start window (epoch ms): a first request that would leave later is not sent (FetchSlotMissed). */
  notAfter?: number | null
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
    // Only the first request answers to the slot: a redirect's follows the answer it got.
    const response = await request(url, limits, deadline, redirects === 0 ? (limits.notAfter ?? null) : null)
    const status = response.statusCode ?? 0
    trace.status = status
    if (status === NOT_MODIFIED && limits.validators != null) {
      discardBody(response)
      throw new ListingNotModified(url)
    }
    if (!REDIRECT_STATUSES.has(status)) {
      const html = await readPage(url, response, limits, trace)
      return {
        url,
        html,
        validators: { etag: headerOf(response, 'etag'), lastModified: headerOf(response, 'last-modified') }
      }
    }

    discardBody(response)
    const location = headerOf(response, 'location')
    if (location === null) throw new SourceUnavailable(url, `the source answered ${status} without a Location header`)
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
async function request(
  url: string,
  limits: FetchLimits,
  deadline: AbortSignal,
  notAfter: number | null
): Promise<IncomingMessage> {
  try {
    return await get(url, limits, deadline, notAfter)
  } catch (err) {
    if (deadline.aborted || !isConnectionReset(err)) throw requestFailed(url, err, deadline)
  }
  try {
    return await get(url, limits, deadline, notAfter)
  } catch (err) {
    throw requestFailed(url, err, deadline)
  }
}

function get(
  url: string,
  limits: FetchLimits,
  deadline: AbortSignal,
  notAfter: number | null
): Promise<IncomingMessage> {
  return httpGet(url, {
    signal: deadline,
    headers: {
      'user-agent': limits.userAgent,
      accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
      'accept-encoding': ACCEPT_ENCODING,
      ...conditionalHeaders(limits.validators ?? null)
    },
    sendBy: notAfter,
    late: (lateMs) =>
      new FetchSlotMissed(
        `Not fetched: the request was ready to leave ${lateMs} ms after its fetch slot closed; the coordinator gives it a new one`
      )
  })
}

function conditionalHeaders(validators: PageValidators | null): Record<string, string> {
  if (validators === null) return {}
  return {
    ...(validators.etag === null ? {} : { 'if-none-match': validators.etag }),
    ...(validators.lastModified === null ? {} : { 'if-modified-since': validators.lastModified })
  }
}

/** The deadline's own abort and a missed slot go up as they are (fetchPage names the first); anything else is SourceUnavailable. */
function requestFailed(url: string, err: unknown, deadline: AbortSignal): unknown {
  if (deadline.aborted || err instanceof FetchSlotMissed) return err
  return new SourceUnavailable(url, `the request failed (${describeNetworkError(err)})`, { cause: err })
}

async function readPage(
  url: string,
  response: IncomingMessage,
  limits: FetchLimits,
  trace: FetchTrace
): Promise<string> {
  const status = response.statusCode ?? 0
  const refusal = refusalOf(url, response, status)
  if (refusal !== null) {
    discardBody(response)
    throw refusal
  }
  const contentType = parseContentType(headerOf(response, 'content-type'))
  if (contentType.mediaType !== null && !PAGE_TYPES.test(contentType.mediaType)) {
    response.destroy()
    throw new NotAJobListing(url, `it is served as ${contentType.mediaType}, not as an HTML page`)
  }
  const declaredLength = Number(headerOf(response, 'content-length') ?? NaN)
  if (declaredLength > limits.maxBytes) {
    response.destroy()
    throw new PageTooLarge(url, limits.maxBytes, `Content-Length says ${declaredLength} bytes`)
  }
  const body = await readBodyCapped(url, response, limits.maxBytes, trace)
  return decode(body, contentType.charset)
}

/** What an answer other than a page means, null for a page (2xx). */
function refusalOf(url: string, response: IncomingMessage, status: number): Error | null {
  const retryAfter = (): number | null => parseRetryAfter(headerOf(response, 'retry-after'))
  const statusText = response.statusMessage ?? ''
  if (NOT_FOUND_STATUSES.has(status)) return new ListingNotFound(url, status)
  if (REFUSING_STATUSES.has(status)) return new SourceRefused(url, status, retryAfter())
  if (status === BUSY_STATUS) return new SourceUnavailable(url, busyReason(statusText, retryAfter()))
  if (status < 200 || status > 299)
    return new SourceUnavailable(url, `the source answered ${status} ${statusText}`.trimEnd())
  return null
}

/**
 * Reads the body chunk by chunk, decoded as its Content-Encoding says, and gives up as soon as
 * the decoded bytes pass the cap, whatever Content-Length claimed (a small gzip can inflate to
 * gigabytes).
 */
async function readBodyCapped(
  url: string,
  response: IncomingMessage,
  maxBytes: number,
  trace: FetchTrace
): Promise<Buffer> {
  const body = decodedBody(url, response)
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.byteLength
      trace.bytes = size
      if (size > maxBytes) {
        body.destroy()
        response.destroy()
        throw new PageTooLarge(url, maxBytes, `stopped reading after ${size} bytes`)
      }
      chunks.push(chunk)
    }
  } catch (err) {
    if (err instanceof PageTooLarge) throw err
    throw new SourceUnavailable(url, `the connection broke while reading the page (${describeNetworkError(err)})`, {
      cause: err
    })
  }
  return Buffer.concat(chunks, size)
}

const ACCEPT_ENCODING = 'gzip, deflate, br'
const DECODERS: Record<string, () => NodeJS.ReadWriteStream & Readable> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress
}

function decodedBody(url: string, response: IncomingMessage): Readable {
  const encoding = (headerOf(response, 'content-encoding') ?? 'identity').trim().toLowerCase()
  if (encoding === 'identity' || encoding === '') return response
  const decoder = DECODERS[encoding]
  if (decoder === undefined) {
    response.destroy()
    throw new SourceUnavailable(url, `the page came in an encoding the scraper cannot read (${encoding})`)
  }
  const decoded = decoder()
  response.on('error', (err) => decoded.destroy(err))
  return response.pipe(decoded)
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
