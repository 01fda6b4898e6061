/**
 * The job board's HTTP server, on Node's http module. Listing pages, the index and the
 * 404/410 pages pass through the fault model (latency, 503s); /health, /jobs.json, the
 * sitemaps and /_stats do not, so tools can always find out what the board holds and a
 * crawl can always learn its ids.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import type { Logger } from '../log.js'
import { silentLogger } from '../log.js'
import { createAccessStats } from './access-stats.js'
import type { AccessStats, AccessStatsSnapshot } from './access-stats.js'
import { createBoardRobots } from './robots-txt.js'
import type { BoardRobotsConfig, RobotsTruth } from './robots-txt.js'
import { createSiteGate } from './site-limit.js'
import type { RefusalSpell, SiteGate, SiteLimit, SiteTruth } from './site-limit.js'
import { renderExpiredPage, renderIndexPage, renderStatusPage } from './board-pages.js'
import { generateCatalog } from './catalog.js'
import type { Catalog, CatalogEntry, CatalogListing, CatalogOptions } from './catalog.js'
import { createBoardChurn } from './churn.js'
import type { BoardChurn, ChurnSettings } from './churn.js'
import { isNotModified, listingValidators } from './conditional-get.js'
import { NO_LATENCY, createFaultModel, parseLatency } from './fault-model.js'
import type { LatencyRange } from './fault-model.js'
import { NO_HOSTILE_PAGES, checkHostileSettings, pickHostileIds, withParserBomb } from './hostile-pages.js'
import type { HostileSettings } from './hostile-pages.js'
import { listingPath, renderListingPage } from './listing-page.js'
import {
  SITEMAP_INDEX_PATH,
  SITEMAP_MAX_URLS,
  parseSitemapPagePath,
  sitemapIndexChunks,
  sitemapPageChunks,
  sitemapPageCount
} from './sitemap-xml.js'

export interface JobBoardOptions extends Partial<CatalogOptions> {
  /** A ready catalog; otherwise one is generated from seed/count/today. */
  catalog?: Catalog
  /** Per-request delay: a range, or text as "120" / "50-400". */
  latency?: LatencyRange | string
  /** 0..1: the share of page requests answered 503. */
  failureRate?: number
  /** Listings per index page. */
  pageSize?: number
  /** Urls per sitemap page, 1 to 50,000 (the protocol's limit, and the default). */
  sitemapPageSize?: number
  /** Listings whose page stalls an HTML parser (see hostile-pages.ts); none by default. */
  hostile?: HostileSettings
  /** Base URL for canonical links and JSON-LD urls; by default taken from the Host header. */
  publicUrl?: string
  /** The politeness the board enforces on page requests (429 + Retry-After beyond it); none by default. */
  limit?: SiteLimit | null
  /** A spell of 429s from the first page request (tests of backing off); none by default. */
  refuseFor?: RefusalSpell | null
  /** What /robots.txt serves (and /_stats counts requests against); none (404) by default. */
  robots?: BoardRobotsConfig | null
  /** New, changed and removed listings per epoch (churn.ts); none by default: the board never changes. */
  churn?: ChurnSettings | null
  /** Whether its sitemaps give each listing's <lastmod> (default true); many boards give none. */
  sitemapLastmod?: boolean
  logger?: Logger
}

interface JobBoardServer {
  server: Server
  /** The board's request handler, for a server that routes several boards (board-router.ts). */
  handle: RequestListener
  catalog: Catalog
  /** Requests so far, as `GET /_stats` answers. */
  stats: AccessStats
  /** Ids whose page is hostile (empty unless asked for). */
  hostileIds: ReadonlySet<string>
  /** How page requests arrived (gaps, concurrency) and were answered, as `GET /_stats` reports under `site`. */
  site: SiteGate
  /** What `GET /_stats` answers. */
  snapshot(): BoardStats
  /** Its epochs and what each changed (`POST /_epoch`, `GET /_churn`). */
  churn: BoardChurn
  /** What its sitemaps say; `lastmod` may be switched off while it runs (tests of a board without it). */
  sitemap: { lastmod: boolean }
}

/** A board's `GET /_stats`: what it was asked for, and how its page requests arrived and were answered. */
export interface BoardStats extends AccessStatsSnapshot {
  site: SiteTruth
  /** Requests for paths its robots.txt disallows. */
  robots: RobotsTruth
  /** Listing pages answered with their body (200) and without it (304, the client's copy is current). */
  bodies: { full: number; notModified: number }
  /** The churn's epoch now (0: as generated). */
  epoch: number
}

export interface RunningJobBoard extends JobBoardServer {
  /** e.g. http://127.0.0.1:41234, no trailing slash. */
  url: string
  close(): Promise<void>
}

export interface StartJobBoardOptions extends JobBoardOptions {
  host?: string
  /** 0 for an ephemeral port. */
  port?: number
}

interface Reply {
  status: number
  body: string
  contentType?: string
  headers?: Record<string, string>
}

/** A 200 whose body is written chunk by chunk as the client takes it. */
interface StreamedReply {
  contentType: string
  chunks: Iterable<string>
  /** Gzip the chunks on the way out (a .gz file, or Content-Encoding: gzip). */
  gzip: boolean
  headers?: Record<string, string>
}

const HTML = 'text/html; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const NO_STORE = 'no-store'
const RELATED_COUNT = 3
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/
const XML = 'application/xml; charset=utf-8'
const GZIP = 'application/gzip'
/** Rendered pages kept; a crawl asks for each page about once, a person for a few again and again. */
const RENDERED_PAGE_CACHE_SIZE = 500
const JOBS_PER_CHUNK = 200

export function createJobBoardServer(options: JobBoardOptions = {}): JobBoardServer {
  const catalog = options.catalog ?? generateCatalog(options)
  const logger = options.logger ?? silentLogger
  const latency = typeof options.latency === 'string' ? parseLatency(options.latency) : (options.latency ?? NO_LATENCY)
  const faults = createFaultModel({ seed: catalog.options.seed, latency, failureRate: options.failureRate ?? 0 })
  const pageSize = options.pageSize ?? 50
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new Error(`Index page size must be a positive integer, got ${pageSize}`)

  const sitemapPageSize = options.sitemapPageSize ?? SITEMAP_MAX_URLS
  if (!Number.isInteger(sitemapPageSize) || sitemapPageSize < 1 || sitemapPageSize > SITEMAP_MAX_URLS) {
    throw new Error(`Sitemap page size must be a whole number from 1 to ${SITEMAP_MAX_URLS}, got ${sitemapPageSize}`)
  }
  const hostile = checkHostileSettings(options.hostile ?? NO_HOSTILE_PAGES)
  const hostileIds = pickHostileIds(catalog.entries, hostile.count)
  const stats = createAccessStats((id) => catalog.byId.get(id) !== undefined || churn.current(id) !== undefined)
  const site = createSiteGate(options.limit ?? null, undefined, options.refuseFor ?? null)
  const robots = createBoardRobots(options.robots ?? null)
  const churn = createBoardChurn(catalog, options.churn ?? null)
  const bodies = { full: 0, notModified: 0 }
  const sitemap = { lastmod: options.sitemapLastmod ?? true }

  // Newest first, as boards list them; expired listings are reachable by id only.
  const active = catalog.entries
    .filter((entry) => entry.status === 'active')
    .sort((a, b) => b.datePosted.localeCompare(a.datePosted) || a.id.localeCompare(b.id))
  const activeIndex = new Map(active.map((entry, index) => [entry.id, index]))
  const related = (listing: CatalogListing): CatalogListing[] => {
    const start = activeIndex.get(listing.id) ?? 0
    return Array.from(
      { length: Math.min(RELATED_COUNT, active.length - 1) },
      (_, i) => active[(start + 1 + i) % active.length]
    )
      .filter((other): other is CatalogEntry => other !== undefined && other.id !== listing.id)
      .map((other) => catalog.at(other.index))
  }
  const pendingTimers = new Set<NodeJS.Timeout>()
  const snapshot = (): BoardStats => ({
    ...stats.snapshot(),
    site: site.snapshot(),
    robots: robots.snapshot(),
    bodies: { ...bodies },
    epoch: churn.epoch
  })

  // Pages never change for a catalog, so each is rendered once per site address, and the
  // recent ones are kept: bounded, so neither a 50,000-listing crawl nor a stream of
  // made-up Host headers grows the cache without limit.
  const renderedPages = new Map<string, string>()
  const listingPage = (listing: CatalogListing, siteUrl: string, epoch: number): string => {
    const key = `${siteUrl} ${listing.id} ${epoch}`
    let page = renderedPages.get(key)
    if (page === undefined) {
      page = renderListingPage({ listing, siteUrl, related: related(listing) })
      if (hostileIds.has(listing.id)) page = withParserBomb(page, hostile.nesting)
      if (renderedPages.size >= RENDERED_PAGE_CACHE_SIZE)
        renderedPages.delete(renderedPages.keys().next().value as string)
    } else {
      renderedPages.delete(key) // re-inserted below: most recently used last
    }
    renderedPages.set(key, page)
    return page
  }

  /** The address the request came in on, from its Host header (or the socket). */
  const requestOrigin = (request: IncomingMessage): string => {
    const host = request.headers.host
    if (host && HOST_HEADER.test(host)) return `http://${host}`
    const address = request.socket.localAddress ?? '127.0.0.1'
    return `http://${address.includes(':') ? `[${address}]` : address}:${request.socket.localPort ?? 80}`
  }
  const siteUrlFor = (request: IncomingMessage): string =>
    options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : requestOrigin(request)

  // What the sitemaps list moves with the churn's epoch; worked out once per epoch.
  let listedCache: { epoch: number; rows: { id: string; lastmod: string }[] } | null = null
  const listed = (): { id: string; lastmod: string }[] => {
    if (listedCache?.epoch !== churn.epoch) listedCache = { epoch: churn.epoch, rows: churn.listed() }
    return listedCache.rows
  }
  const sitemapPages = (): number => sitemapPageCount(listed().length, sitemapPageSize)
  /** A sitemap route's answer; 'missing' for a page past the end; null for any other path. */
  const sitemapReply = (request: IncomingMessage, path: string): StreamedReply | 'missing' | null => {
    const gzipFile = path.endsWith('.gz')
    // A plain .xml is gzipped in transit for a client that accepts it; a .gz is the file itself.
    const encoded = !gzipFile && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
    const format = {
      contentType: gzipFile ? GZIP : XML,
      gzip: gzipFile || encoded,
      headers: gzipFile ? {} : { vary: 'Accept-Encoding', ...(encoded ? { 'content-encoding': 'gzip' } : {}) }
    }
    if (path === SITEMAP_INDEX_PATH || path === `${SITEMAP_INDEX_PATH}.gz`) {
      // Its pages are named by the address the index was asked on, not the public URL:
      // whoever read the index (a crawler inside the stack, by the service name) must be able
      // to fetch them. The listings' locs are the public URLs their pages declare.
      return { ...format, chunks: sitemapIndexChunks(sitemapPages(), requestOrigin(request), gzipFile) }
    }
    const page = parseSitemapPagePath(path)
    if (page === null) return null
    if (page.page > sitemapPages()) return 'missing'
    const entries = listed().slice((page.page - 1) * sitemapPageSize, page.page * sitemapPageSize)
    return { ...format, chunks: sitemapPageChunks(entries, siteUrlFor(request), sitemap.lastmod) }
  }

  const pageReply = (request: IncomingMessage, path: string, query: URLSearchParams): Reply => {
    if (path === '/') {
      const raw = query.get('page') ?? '1'
      const page = /^[1-9]\d{0,6}$/.test(raw) ? Number(raw) : NaN
      const pageCount = Math.max(1, Math.ceil(active.length / pageSize))
      if (Number.isNaN(page))
        return {
          status: 400,
          body: renderStatusPage('Bad request', `"page" must be a whole number from 1, got "${raw}".`)
        }
      if (page > pageCount)
        return { status: 404, body: renderStatusPage('No such page', `There are ${pageCount} pages of jobs.`) }
      const listings = active.slice((page - 1) * pageSize, page * pageSize).map((entry) => catalog.at(entry.index))
      return {
        status: 200,
        body: renderIndexPage({ listings, page, pageCount, total: active.length }),
        headers: { 'cache-control': 'public, max-age=60' }
      }
    }
    const match = /^\/jobs\/([^/]+)$/.exec(path)
    const id = match?.[1] === undefined ? undefined : safeDecode(match[1])
    const version = id === undefined ? undefined : churn.current(id)
    if (!version) return { status: 404, body: renderStatusPage('Not found', 'There is no job at this address.') }
    const { listing } = version
    if (listing.status === 'expired')
      return { status: 410, body: renderExpiredPage(listing), headers: { 'cache-control': 'public, max-age=3600' } }
    const validators = listingValidators(listing.id, version.epoch, version.lastmod)
    const headers = {
      'cache-control': 'public, max-age=300',
      etag: validators.etag,
      'last-modified': validators.lastModified
    }
    if (isNotModified(request, validators)) {
      bodies.notModified += 1
      return { status: 304, body: '', headers }
    }
    bodies.full += 1
    return { status: 200, body: listingPage(listing, siteUrlFor(request), version.epoch), headers }
  }

  const send = (
    request: IncomingMessage,
    response: ServerResponse,
    reply: Reply,
    started: number,
    fields: Record<string, unknown> = {}
  ): void => {
    const body = Buffer.from(reply.body, 'utf8')
    response.writeHead(reply.status, {
      // A 304 carries no body, so neither a type nor a length of one.
      ...(reply.status === 304
        ? {}
        : { 'content-type': reply.contentType ?? HTML, 'content-length': String(body.length) }),
      'cache-control': reply.status >= 400 && reply.status !== 410 ? NO_STORE : 'no-cache',
      'x-content-type-options': 'nosniff',
      ...reply.headers
    })
    // Node drops the body of a HEAD response by itself; the headers stay those of the GET.
    response.end(body)
    logger.debug('request', {
      method: request.method,
      path: request.url,
      status: reply.status,
      ms: Date.now() - started,
      ...fields
    })
  }

  const stream = (request: IncomingMessage, response: ServerResponse, reply: StreamedReply, started: number): void => {
    response.writeHead(200, {
      'content-type': reply.contentType,
      'cache-control': NO_STORE,
      'x-content-type-options': 'nosniff',
      ...reply.headers
    })
    if (request.method === 'HEAD') {
      response.end()
      logger.debug('request', { method: request.method, path: request.url, status: 200, ms: Date.now() - started })
      return
    }
    // pipeline() waits for the client to drain each chunk, and destroys the source if it goes away.
    const source = Readable.from(reply.chunks)
    const sent = reply.gzip ? pipeline(source, createGzip(), response) : pipeline(source, response)
    sent.then(
      () =>
        logger.debug('request', {
          method: request.method,
          path: request.url,
          status: 200,
          ms: Date.now() - started,
          streamed: true
        }),
      (error: unknown) => logger.debug('response abandoned', { path: request.url, error: String(error) })
    )
  }

  const handle: RequestListener = (request, response) => {
    const started = Date.now()
    const [path = '', search = ''] = (request.url ?? '').split('?', 2)
    robots.record(path)
    if (request.method !== 'GET' && request.method !== 'HEAD' && !(request.method === 'POST' && path === '/_epoch')) {
      send(
        request,
        response,
        {
          status: 405,
          body: renderStatusPage('Method not allowed', 'This board answers GET and HEAD only.'),
          headers: { allow: 'GET, HEAD' }
        },
        started
      )
      return
    }
    if (path === '/health') {
      const total = catalog.entries.length
      const body = { status: 'ok', listings: total, active: active.length, expired: total - active.length }
      send(
        request,
        response,
        { status: 200, body: JSON.stringify(body), contentType: JSON_TYPE, headers: { 'cache-control': NO_STORE } },
        started
      )
      return
    }
    if (path === '/_epoch' || path === '/_churn') {
      send(request, response, churnReply(churn, request, path, new URLSearchParams(search)), started)
      return
    }
    if (path === '/_stats') {
      const body = JSON.stringify(snapshot())
      send(
        request,
        response,
        { status: 200, body, contentType: JSON_TYPE, headers: { 'cache-control': NO_STORE } },
        started
      )
      return
    }
    if (path === '/jobs.json') {
      stream(
        request,
        response,
        { contentType: JSON_TYPE, chunks: jobsJsonChunks(catalog, hostileIds), gzip: false },
        started
      )
      return
    }
    const sitemap = sitemapReply(request, path)
    if (sitemap !== null) {
      stats.record('sitemap')
      if (sitemap === 'missing')
        send(
          request,
          response,
          { status: 404, body: renderStatusPage('No such sitemap', `There are ${sitemapPages} sitemap pages.`) },
          started
        )
      else stream(request, response, sitemap, started)
      return
    }
    const listingMatch = /^\/jobs\/([^/]+)$/.exec(path)
    stats.record(
      listingMatch ? 'listing' : path === '/' ? 'index' : 'other',
      listingMatch?.[1] === undefined ? undefined : safeDecode(listingMatch[1])
    )
    const arrival = site.arrive()
    response.on('close', arrival.done)
    if (arrival.refuse) {
      const retryAfter = String(arrival.retryAfterS)
      send(
        request,
        response,
        {
          status: 429,
          body: renderStatusPage('Too many requests', `Slow down: retry after ${retryAfter} s.`),
          headers: { 'retry-after': retryAfter }
        },
        started
      )
      return
    }
    // A page request as the site sees it (counted, limited), but never a random 503.
    if (path === '/robots.txt') return send(request, response, robots.reply(), started)
    const fault = faults.next()
    const answer = (): void => {
      if (fault.fail) {
        const reply = {
          status: 503,
          body: renderStatusPage('Service unavailable', 'The board is busy. Try again shortly.'),
          headers: { 'retry-after': '1' }
        }
        send(request, response, reply, started, { delayMs: fault.delayMs, injected: true })
        return
      }
      send(
        request,
        response,
        pageReply(request, path, new URLSearchParams(search)),
        started,
        fault.delayMs ? { delayMs: fault.delayMs } : {}
      )
    }
    if (fault.delayMs === 0) return answer()
    const timer = setTimeout(() => {
      pendingTimers.delete(timer)
      answer()
    }, fault.delayMs)
    pendingTimers.add(timer)
    // A client that gave up does not need its delayed answer.
    response.on('close', () => {
      clearTimeout(timer)
      pendingTimers.delete(timer)
    })
  }
  const server = createServer(handle)
  server.on('close', () => {
    churn.stop()
    for (const timer of pendingTimers) clearTimeout(timer)
    pendingTimers.clear()
  })
  return { server, handle, catalog, stats, hostileIds, site, snapshot, churn, sitemap }
}

/**
 * `GET /_epoch`: the epoch now; `POST /_epoch`: move one epoch, answering what it changed;
 * `GET /_churn?from=A&to=B`: exactly what changed between two epochs (default: the last move).
 * Test endpoints, like /_stats: not limited, not counted.
 */
function churnReply(churn: BoardChurn, request: IncomingMessage, path: string, query: URLSearchParams): Reply {
  const json = (status: number, body: unknown): Reply => ({
    status,
    body: JSON.stringify(body),
    contentType: JSON_TYPE,
    headers: { 'cache-control': NO_STORE }
  })
  if (path === '/_epoch') {
    if (request.method === 'POST') return json(200, { epoch: churn.epoch + 1, changes: churn.advance() })
    return json(200, { epoch: churn.epoch, at: churn.epochAt, churn: churn.settings })
  }
  const epochParam = (name: string, fallback: number): number | null => {
    const raw = query.get(name)
    if (raw === null) return fallback
    return /^\d{1,9}$/.test(raw) && Number(raw) <= churn.epoch ? Number(raw) : null
  }
  const to = epochParam('to', churn.epoch)
  const from = epochParam('from', Math.max(0, (to ?? 0) - 1))
  if (from === null || to === null || from > to)
    return json(400, { error: `from and to are epochs from 0 to ${churn.epoch}, from ≤ to` })
  return json(200, churn.truth(from, to))
}

/**
 * What tools and tests need to choose ids: every id with its status and a few visible facts.
 * Streamed listing by listing: on a board of 50,000 it is megabytes, and each listing is
 * generated for it.
 */
function* jobsJsonChunks(catalog: Catalog, hostileIds: ReadonlySet<string>): Generator<string> {
  const total = catalog.entries.length
  const active = catalog.entries.filter((entry) => entry.status === 'active').length
  const head = JSON.stringify({ ...catalog.options, total, active, expired: total - active, hostile: hostileIds.size })
  yield `${head.slice(0, -1)},"jobs":[`
  let batch: string[] = []
  let first = true
  const flush = (): string => {
    const text = (first || batch.length === 0 ? '' : ',') + batch.join(',')
    if (batch.length > 0) first = false
    batch = []
    return text
  }
  for (const entry of catalog.entries) {
    const listing = catalog.at(entry.index)
    const job = {
      id: listing.id,
      status: listing.status,
      url: listingPath(listing.id),
      title: listing.title,
      company: listing.company,
      location: listing.location,
      structure: listing.page.structure,
      ...(hostileIds.has(listing.id) ? { hostile: true } : {})
    }
    batch.push(JSON.stringify(job))
    if (batch.length === JOBS_PER_CHUNK) yield flush()
  }
  yield `${flush()}]}`
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

export async function startJobBoard(options: StartJobBoardOptions = {}): Promise<RunningJobBoard> {
  const board = createJobBoardServer(options)
  const { server } = board
  const url = await listenOn(server, options.host ?? '127.0.0.1', options.port ?? 0)
  return { ...board, url, close: () => closeServer(server) }
}

/** Listens on host:port (0: any free port); resolves with the server's URL, e.g. http://127.0.0.1:41234. */
export async function listenOn(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()))
    server.closeIdleConnections()
  })
}
