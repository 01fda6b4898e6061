/**
 * The REST API on Node's http module:
 *   GET /joblisting/:id[?refresh=1][&source=NAME]  the listing of the default source or NAME (cache or scrape, and age, in headers)
 *   GET /joblistings?q=&skill=&company=&location=&page=&pageSize=  search with facets
 *   GET /health                      broker and Elasticsearch status
 *   /crawls…                         the crawl coordinator (crawl-routes.ts)
 *   /sources…                        the boards the fleet may scrape (source-routes.ts)
 *   /watches…                        crawls on a schedule, run by the coordinator (watch-routes.ts)
 *   /saved-searches…                 searches announced by webhook after watched crawls (saved-search-routes.ts)
 *   GET /logs?…                      the stack's log (log-routes.ts), when a log store is given
 *   GET /hosts                       every host's politeness status (host-routes.ts)
 *   GET /metrics                     Prometheus metrics of the crawl side (metrics/crawl-metrics.ts)
 * Errors are `{ error: { kind, message, hint } }`; every request is logged as one JSON line.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { DEFAULT_ELASTICSEARCH_URL, DEFAULT_SCRAPER_SERVICE } from '../env'
import { createLogger } from '../log'
import type { Logger } from '../log'
import type { ListingCacheOptions } from '../listings/listing-cache'
import type { ScrapeFn } from '../listings/listing-lookup'
import { ListingsService } from '../listings/listings-service'
import { rpcScrape } from '../listings/rpc-scrape'
import type { RpcClient } from '../rpc/client'
import type { Coordinator } from '../crawler/coordinator'
import { handleCrawlRequest, isCrawlPath } from './crawl-routes'
import type { SourceRegistry } from '../sources/source-registry'
import { handleSourceRequest, isSourcePath } from './source-routes'
import { handleHostRequest, isHostPath } from './host-routes'
import { handleWatchRequest, isWatchPath } from './watch-routes'
import { handleSavedSearchRequest, isSavedSearchPath } from './saved-search-routes'
import { ApiError } from './api-error'
import { errorKind, errorResponse } from './error-response'
import { healthReport, healthStatusCode } from './health'
import type { BrokerState } from './health'
import { LOOKUP_PATH_PREFIX, plainLookupId } from './lookup-target'
import { parseRefresh, parseSearchParams, parseSource } from './query-params'
import { LOGS_PATH, logQueryFromParams } from './log-routes'
import type { LogStore } from '../logs/log-store'
import type { Registry } from 'prom-client'
import { METRICS_PATH, sendMetrics } from '../metrics/metrics-response'

export interface ApiOptions {
  /** Default 8080; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  elasticsearchUrl?: string
  /** Default 'joblistings'. */
  index?: string
  esRequestTimeoutMs?: number
  cache?: Omit<ListingCacheOptions, 'logger'>
  /** Scrape in-process (tests, benchmarks)… */
  scrape?: ScrapeFn
  /** …or over RPC. The caller owns the client and closes it after the API. */
  rpc?: { client: RpcClient; service?: string; timeoutMs?: number }
  logger?: Logger
  /** How long close() lets requests in flight finish. Default 5000 ms. */
  closeGraceMs?: number
  /** Serves /crawls (the caller owns the coordinator and closes it after the API). */
  crawler?: Coordinator
  /** Serves /sources; default: the coordinator's. */
  sources?: SourceRegistry
  /** Serves GET /logs. */
  logs?: LogStore
  /** Served at GET /metrics. */
  metrics?: Registry
}

export interface RunningApi {
  url: string
  listings: ListingsService
  close: () => Promise<void>
}

interface Reply {
  status: number
  /** Sent as JSON… */
  body?: unknown
  /** …unless the answer is already its JSON bytes (a listing lookup). */
  json?: Buffer
  headers?: Record<string, string>
}

export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const logger = options.logger ?? createLogger('api')
  const scraperService = options.rpc ? (options.rpc.service ?? DEFAULT_SCRAPER_SERVICE) : null
  let scrape: ScrapeFn
  if (options.scrape !== undefined) scrape = options.scrape
  else if (options.rpc !== undefined)
    scrape = rpcScrape(options.rpc.client, scraperService ?? DEFAULT_SCRAPER_SERVICE, options.rpc.timeoutMs)
  else throw new Error('startApi needs a scrape function or an RPC client')
  const crawler = options.crawler
  if (crawler !== undefined) scrape = robotsChecked(scrape, crawler)

  const listings = new ListingsService({
    elasticsearchUrl: options.elasticsearchUrl ?? DEFAULT_ELASTICSEARCH_URL,
    ...(options.index !== undefined ? { index: options.index } : {}),
    ...(options.esRequestTimeoutMs !== undefined ? { esRequestTimeoutMs: options.esRequestTimeoutMs } : {}),
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
    scrape,
    logger
  })
  await listings.start()

  const brokerState = (): BrokerState =>
    options.rpc === undefined ? 'not-used' : options.rpc.client.connected ? 'connected' : 'disconnected'

  async function route(method: string, url: URL): Promise<Reply> {
    if (method !== 'GET') throw new ApiError('MethodNotAllowed', `${method} is not allowed`)
    const path = url.pathname
    if (path === '/health') {
      const report = healthReport(
        brokerState(),
        scraperService,
        await listings.elasticsearchHealth(),
        listings.lookups.scrapesInFlight
      )
      return { status: healthStatusCode(report), body: report }
    }
    if (path === '/joblistings') {
      const { query, options: searchOptions } = parseSearchParams(url.searchParams)
      // An Elasticsearch outage comes up as SearchUnavailable from the listings layer.
      return { status: 200, body: await listings.search(query, searchOptions) }
    }
    if (path === LOGS_PATH && options.logs !== undefined) {
      return { status: 200, body: await options.logs.search(logQueryFromParams(url.searchParams)) }
    }
    if (path.startsWith(LOOKUP_PATH_PREFIX) && !path.includes('/', LOOKUP_PATH_PREFIX.length)) {
      return lookup(
        decodeId(path.slice(LOOKUP_PATH_PREFIX.length)),
        parseRefresh(url.searchParams),
        parseSource(url.searchParams)
      )
    }
    throw new ApiError('NotFound', `No route for ${path}`)
  }

  async function lookup(id: string, refresh: boolean, source?: string): Promise<Reply> {
    const result = await listings.lookupAnswer(id, source === undefined ? { refresh } : { refresh, source })
    const headers: Record<string, string> = {
      'X-Scrapedeck-Source': result.source,
      'X-Scrapedeck-Cache': result.cache,
      'X-Scrapedeck-Took-Ms': result.tookMs.toFixed(1)
    }
    if (result.ageMs !== undefined) headers['Age'] = String(Math.floor(result.ageMs / 1000))
    return { status: 200, json: result.answer, headers }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    const method = req.method ?? 'GET'
    const plainId = method === 'GET' ? plainLookupId(req.url) : null
    const url = plainId === null ? requestUrl(req.url) : null
    const crawlRoutes =
      url === null || options.crawler === undefined
        ? null
        : isCrawlPath(url.pathname)
          ? handleCrawlRequest
          : isHostPath(url.pathname)
            ? handleHostRequest
            : isWatchPath(url.pathname)
              ? handleWatchRoutes
              : isSavedSearchPath(url.pathname)
                ? handleSavedSearchRoutes
                : null
    if (url !== null && options.crawler !== undefined && crawlRoutes !== null) {
      const status = await crawlRoutes(options.crawler, req, res, url, logger)
      logger.info('request', {
        method,
        path: url.pathname,
        status,
        ms: Math.round((performance.now() - started) * 10) / 10
      })
      return
    }
    if (url?.pathname === METRICS_PATH && method === 'GET' && options.metrics !== undefined) {
      // Not logged: Prometheus asks every few seconds.
      await sendMetrics(options.metrics, res)
      return
    }
    const sources = options.sources ?? options.crawler?.sources
    if (url !== null && sources !== undefined && isSourcePath(url.pathname)) {
      const status = await handleSourceRequest(sources, req, res, url, logger)
      logger.info('request', {
        method,
        path: url.pathname,
        status,
        ms: Math.round((performance.now() - started) * 10) / 10
      })
      return
    }
    let reply: Reply
    let failure: { kind: string; message: string } | undefined
    try {
      // A target the URL parser refuses (`GET //[`) is the client's fault: it gets a 400
      // and one request line in the log, never an error with a stack.
      if (plainId !== null) reply = await lookup(plainId, false)
      else if (url === null) throw new ApiError('BadRequest', 'The request target is not a valid URL path')
      else reply = await route(method, url)
    } catch (err) {
      const { status, body } = errorResponse(err)
      reply = { status, body, headers: status === 405 ? { Allow: 'GET' } : {} }
      failure = { kind: errorKind(err), message: err instanceof Error ? err.message : String(err) }
      if (status === 500)
        logger.error('Unhandled error', {
          method,
          path: url?.pathname,
          error: err instanceof Error ? err.stack : String(err)
        })
    }
    send(res, reply)
    // One flat object; the fields left undefined are not written. A read of the log itself is
    // at debug level, so a followed log (a request a second) does not fill the log it reads.
    const lookupId = plainId ?? lookupIdOf(url)
    ;(url?.pathname === LOGS_PATH && reply.status === 200 ? logger.debug : logger.info)('request', {
      method,
      path: plainId !== null ? req.url : (url?.pathname ?? clip(req.url ?? '')),
      listingId: lookupId ?? undefined,
      status: reply.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      source: reply.headers?.['X-Scrapedeck-Source'],
      cache: reply.headers?.['X-Scrapedeck-Cache'],
      errorKind: failure?.kind
    })
  }

  const server = createServer((req, res) => {
    // Nothing a request does may become an unhandled rejection: that would end the process.
    handle(req, res).catch((err: unknown) => {
      logger.error('Request failed outside its handler', { error: err instanceof Error ? err.stack : String(err) })
      if (!res.headersSent) send(res, errorResponse(new ApiError('BadRequest', 'The request could not be read.')))
      else res.destroy()
    })
  })
  // What Node's HTTP parser refuses (a request line it cannot read, a header too large)
  // never reaches `handle`: answer 400 as Node would, and log it as one client-error line.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy()
      return
    }
    logger.warn('client error', { code: err.code, error: err.message })
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
  })
  await listen(server, options.port ?? 8080, options.host ?? '127.0.0.1')
  const address = server.address() as AddressInfo
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
  logger.info('API listening', { url, index: listings.repository.index, scraper: scraperService ?? 'in-process' })

  let closing: Promise<void> | null = null
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      const grace = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? 5000)
      await closed
      clearTimeout(grace)
      await listings.close()
      logger.info('API stopped')
    })()
    return closing
  }
  return { url, listings, close }
}

/** The /watches routes of the coordinator's watch scheduler, in the shape the crawl route families share. */
function handleWatchRoutes(
  crawler: Coordinator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  logger: Logger
): Promise<number> {
  return handleWatchRequest(crawler.watches, req, res, url, logger)
}

/** The /saved-searches routes of the coordinator's saved searches. */
function handleSavedSearchRoutes(
  crawler: Coordinator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  logger: Logger
): Promise<number> {
  return handleSavedSearchRequest(crawler.savedSearches, req, res, url, logger)
}

/** The listing id of a lookup's URL (`/joblisting/:id`), so its request line carries it. */
function lookupIdOf(url: URL | null): string | null {
  const path = url?.pathname
  if (path === undefined || !path.startsWith(LOOKUP_PATH_PREFIX) || path.includes('/', LOOKUP_PATH_PREFIX.length))
    return null
  return decodeId(path.slice(LOOKUP_PATH_PREFIX.length))
}

function requestUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://api.invalid')
  } catch {
    return null
  }
}

/** A client-supplied string as it goes into a log line: short, one line. */
function clip(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)
}

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw // left as is: the id check refuses the stray "%"
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.json ?? JSON.stringify(reply.body)
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...reply.headers
  })
  res.end(body)
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** A lookup that would fetch a page obeys the host's robots.txt first, as a crawl does (coordinator.ts). */
function robotsChecked(scrape: ScrapeFn, crawler: Pick<Coordinator, 'checkRobots'>): ScrapeFn {
  return async (id, source) => {
    await crawler.checkRobots(id, source)
    return scrape(id, source)
  }
}
