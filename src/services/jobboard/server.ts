/**
 * The job board's HTTP server, on Node's http module. Listing pages, the index and the
 * 404/410 pages pass through the fault model (latency, 503s); /health and /jobs.json do
 * not, so tools can always find out what the board holds.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '../log.js'
import { silentLogger } from '../log.js'
import { renderExpiredPage, renderIndexPage, renderStatusPage } from './board-pages.js'
import { generateCatalog } from './catalog.js'
import type { Catalog, CatalogListing, CatalogOptions } from './catalog.js'
import { NO_LATENCY, createFaultModel, parseLatency } from './fault-model.js'
import type { LatencyRange } from './fault-model.js'
import { listingPath, renderListingPage } from './listing-page.js'

export interface JobBoardOptions extends Partial<CatalogOptions> {
  /** A ready catalog; otherwise one is generated from seed/count/today. */
  catalog?: Catalog
  /** Per-request delay: a range, or text as "120" / "50-400". */
  latency?: LatencyRange | string
  /** 0..1: the share of page requests answered 503. */
  failureRate?: number
  /** Listings per index page. */
  pageSize?: number
  /** Base URL for canonical links and JSON-LD urls; by default taken from the Host header. */
  publicUrl?: string
  logger?: Logger
}

export interface JobBoardServer {
  server: Server
  catalog: Catalog
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

const HTML = 'text/html; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const NO_STORE = 'no-store'
const RELATED_COUNT = 3
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

export function createJobBoardServer(options: JobBoardOptions = {}): JobBoardServer {
  const catalog = options.catalog ?? generateCatalog(options)
  const logger = options.logger ?? silentLogger
  const latency = typeof options.latency === 'string' ? parseLatency(options.latency) : (options.latency ?? NO_LATENCY)
  const faults = createFaultModel({ seed: catalog.options.seed, latency, failureRate: options.failureRate ?? 0 })
  const pageSize = options.pageSize ?? 50
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`Index page size must be a positive integer, got ${pageSize}`)

  // Newest first, as boards list them; expired listings are reachable by id only.
  const active = catalog.listings
    .filter((listing) => listing.status === 'active')
    .sort((a, b) => b.datePosted.localeCompare(a.datePosted) || a.id.localeCompare(b.id))
  const activeIndex = new Map(active.map((listing, index) => [listing.id, index]))
  const related = (listing: CatalogListing): CatalogListing[] => {
    const start = activeIndex.get(listing.id) ?? 0
    return Array.from({ length: Math.min(RELATED_COUNT, active.length - 1) }, (_, i) => active[(start + 1 + i) % active.length]).filter(
      (other): other is CatalogListing => other !== undefined && other.id !== listing.id
    )
  }
  const pendingTimers = new Set<NodeJS.Timeout>()

  // Pages never change for a catalog, so each is rendered once per site address. The bound
  // keeps a stream of made-up Host headers from growing the cache without limit.
  const renderedPages = new Map<string, string>()
  const listingPage = (listing: CatalogListing, siteUrl: string): string => {
    const key = `${siteUrl} ${listing.id}`
    let page = renderedPages.get(key)
    if (page === undefined) {
      page = renderListingPage({ listing, siteUrl, related: related(listing) })
      if (renderedPages.size >= catalog.listings.length * 4) renderedPages.clear()
      renderedPages.set(key, page)
    }
    return page
  }

  const siteUrlFor = (request: IncomingMessage): string => {
    if (options.publicUrl) return options.publicUrl.replace(/\/+$/, '')
    const host = request.headers.host
    if (host && HOST_HEADER.test(host)) return `http://${host}`
    const address = request.socket.localAddress ?? '127.0.0.1'
    return `http://${address.includes(':') ? `[${address}]` : address}:${request.socket.localPort ?? 80}`
  }

  const pageReply = (request: IncomingMessage, path: string, query: URLSearchParams): Reply => {
    if (path === '/') {
      const raw = query.get('page') ?? '1'
      const page = /^[1-9]\d{0,6}$/.test(raw) ? Number(raw) : NaN
      const pageCount = Math.max(1, Math.ceil(active.length / pageSize))
      if (Number.isNaN(page)) return { status: 400, body: renderStatusPage('Bad request', `"page" must be a whole number from 1, got "${raw}".`) }
      if (page > pageCount) return { status: 404, body: renderStatusPage('No such page', `There are ${pageCount} pages of jobs.`) }
      const listings = active.slice((page - 1) * pageSize, page * pageSize)
      return { status: 200, body: renderIndexPage({ listings, page, pageCount, total: active.length }), headers: { 'cache-control': 'public, max-age=60' } }
    }
    const match = /^\/jobs\/([^/]+)$/.exec(path)
    const id = match?.[1] === undefined ? undefined : safeDecode(match[1])
    const listing = id === undefined ? undefined : catalog.byId.get(id)
    if (!listing) return { status: 404, body: renderStatusPage('Not found', 'There is no job at this address.') }
    if (listing.status === 'expired') return { status: 410, body: renderExpiredPage(listing), headers: { 'cache-control': 'public, max-age=3600' } }
    return {
      status: 200,
      body: listingPage(listing, siteUrlFor(request)),
      headers: { 'cache-control': 'public, max-age=300', 'last-modified': new Date(`${listing.datePosted}T00:00:00Z`).toUTCString() }
    }
  }

  const send = (request: IncomingMessage, response: ServerResponse, reply: Reply, started: number, fields: Record<string, unknown> = {}): void => {
    const body = Buffer.from(reply.body, 'utf8')
    response.writeHead(reply.status, {
      'content-type': reply.contentType ?? HTML,
      'content-length': String(body.length),
      'cache-control': reply.status >= 400 && reply.status !== 410 ? NO_STORE : 'no-cache',
      'x-content-type-options': 'nosniff',
      ...reply.headers
    })
    // Node drops the body of a HEAD response by itself; the headers stay those of the GET.
    response.end(body)
    logger.debug('request', { method: request.method, path: request.url, status: reply.status, ms: Date.now() - started, ...fields })
  }

  const server = createServer((request, response) => {
    const started = Date.now()
    const [path = '', search = ''] = (request.url ?? '').split('?', 2)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(request, response, { status: 405, body: renderStatusPage('Method not allowed', 'This board answers GET and HEAD only.'), headers: { allow: 'GET, HEAD' } }, started)
      return
    }
    if (path === '/health') {
      const body = { status: 'ok', listings: catalog.listings.length, active: active.length, expired: catalog.listings.length - active.length }
      send(request, response, { status: 200, body: JSON.stringify(body), contentType: JSON_TYPE, headers: { 'cache-control': NO_STORE } }, started)
      return
    }
    if (path === '/jobs.json') {
      send(request, response, { status: 200, body: jobsJson(catalog), contentType: JSON_TYPE, headers: { 'cache-control': NO_STORE } }, started)
      return
    }
    const fault = faults.next()
    const answer = (): void => {
      if (fault.fail) {
        const reply = { status: 503, body: renderStatusPage('Service unavailable', 'The board is busy. Try again shortly.'), headers: { 'retry-after': '1' } }
        send(request, response, reply, started, { delayMs: fault.delayMs, injected: true })
        return
      }
      send(request, response, pageReply(request, path, new URLSearchParams(search)), started, fault.delayMs ? { delayMs: fault.delayMs } : {})
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
  })
  server.on('close', () => {
    for (const timer of pendingTimers) clearTimeout(timer)
    pendingTimers.clear()
  })
  return { server, catalog }
}

/** What tools and tests need to choose ids: every id with its status and a few visible facts. */
function jobsJson(catalog: Catalog): string {
  const jobs = catalog.listings.map((listing) => ({
    id: listing.id,
    status: listing.status,
    url: listingPath(listing.id),
    title: listing.title,
    company: listing.company,
    location: listing.location,
    structure: listing.page.structure
  }))
  const active = jobs.filter((job) => job.status === 'active').length
  return JSON.stringify({ ...catalog.options, total: jobs.length, active, expired: jobs.length - active, jobs })
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
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const close = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()))
      server.closeIdleConnections()
    })
  return { ...board, url, close }
}
