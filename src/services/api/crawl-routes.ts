/**
 * The /crawls REST routes of the API service, over the coordinator:
 *   POST /crawls, GET /crawls, GET /crawls/:id, GET /crawls/:id/items?state=&cursor=&limit=,
 *   POST /crawls/:id/{cancel,pause,resume,retry}, DELETE /crawls/:id,
 *   GET /crawls/:id/export?format=jsonl|csv (streamed) or summary (the detail with its HTTP statistics)
 *   GET /crawls/:id/changes?kind=&q=&cursor=&limit= (the change report; its export: format=changes-jsonl|changes-csv)
 * Bad input is 400 InvalidCrawl, an unknown crawl 404 CrawlNotFound, an action the crawl's
 * state does not allow 409 CrawlConflict, Elasticsearch down 503 CrawlerUnavailable (each
 * status is its kind's, src/shared/error-kinds.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  CRAWL_ACTIONS,
  CRAWL_ITEM_STATES,
  CrawlIdSchema,
  CrawlItemsQuerySchema,
  CrawlStartRequestSchema,
  EXPORT_FORMATS,
  ExportFormatSchema,
  exportFileName,
  MAX_ID_LIST_BYTES
} from '../../shared/crawl'
import type { CrawlAction } from '../../shared/crawl'
import type { Logger } from '../log'
import { answerRoute, readJsonBody, sendJson } from './json-routes'
import type { Coordinator } from '../crawler/coordinator'
import { CrawlError, coordinatorStarting, coordinatorStoreUnavailable } from '../crawler/crawl-errors'
import { EXPORT_CONTENT_TYPES, writeExport } from '../crawler/sources/export-writer'
import { writeChangesExport } from '../crawler/changes/change-export'
import { CHANGE_KINDS, CrawlChangesQuerySchema } from '../../shared/crawl-changes'

/** Room for an 8 MiB list inside its JSON request. */
const MAX_BODY_BYTES = MAX_ID_LIST_BYTES * 2 + 64 * 1024

export function isCrawlPath(path: string): boolean {
  return path === '/crawls' || path.startsWith('/crawls/')
}

/** Answers one /crawls request; returns the status sent, for the request log. */
export async function handleCrawlRequest(
  coordinator: Coordinator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  logger: Logger
): Promise<number> {
  const context = { failed: 'Crawl request failed', url, logger, storeUnavailable: coordinatorStoreUnavailable }
  return answerRoute(res, context, () => route(coordinator, req, res, url))
}

async function route(coordinator: Coordinator, req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
  if (!coordinator.ready) throw coordinatorStarting()
  const method = req.method ?? 'GET'
  const parts = url.pathname.split('/').filter((p) => p !== '')
  if (parts.length === 1) {
    if (method === 'GET') return sendJson(res, 200, { crawls: await coordinator.list() })
    if (method === 'POST') {
      const parsed = CrawlStartRequestSchema.safeParse(await readJson(req))
      if (!parsed.success) throw invalid(parsed.error.issues)
      return sendJson(res, 201, await coordinator.startCrawl(parsed.data))
    }
    throw notAllowed(method, 'GET, POST')
  }
  const id = CrawlIdSchema.safeParse(parts[1] ?? '')
  if (!id.success)
    throw new CrawlError(
      'InvalidCrawl',
      `Not a crawl id: "${(parts[1] ?? '').slice(0, 80)}"`,
      'A crawl id is 1–64 of letters, digits, "_" or "-".'
    )
  const crawlId = id.data
  const sub = parts[2]
  if (parts.length === 2) {
    if (method === 'GET') return sendJson(res, 200, await coordinator.detail(crawlId))
    if (method === 'DELETE') {
      await coordinator.remove(crawlId)
      return sendJson(res, 200, { deleted: true })
    }
    throw notAllowed(method, 'GET, DELETE')
  }
  if (parts.length === 3 && sub === 'items') {
    if (method !== 'GET') throw notAllowed(method, 'GET')
    const state = url.searchParams.get('state')
    const limit = url.searchParams.get('limit')
    const query = CrawlItemsQuerySchema.safeParse({
      ...(state ? { state } : {}),
      ...(url.searchParams.get('cursor') ? { cursor: url.searchParams.get('cursor') } : {}),
      ...(limit ? { limit: /^\d{1,4}$/.test(limit) ? Number(limit) : limit } : {})
    })
    if (!query.success)
      throw invalid(query.error.issues, `state is one of ${CRAWL_ITEM_STATES.join(', ')}; limit 1–500.`)
    return sendJson(res, 200, await coordinator.itemsPage(crawlId, query.data))
  }
  if (parts.length === 3 && sub === 'export') {
    if (method !== 'GET') throw notAllowed(method, 'GET')
    const format = ExportFormatSchema.safeParse(url.searchParams.get('format') ?? 'jsonl')
    if (!format.success)
      throw new CrawlError(
        'InvalidCrawl',
        `Unknown export format "${url.searchParams.get('format')}"`,
        `format is one of ${EXPORT_FORMATS.join(', ')}.`
      )
    if (format.data === 'summary') {
      const detail = await coordinator.detail(crawlId)
      const body = JSON.stringify(detail, null, 2)
      res.writeHead(200, {
        'Content-Type': EXPORT_CONTENT_TYPES.summary,
        'Content-Length': Buffer.byteLength(body),
        'Content-Disposition': `attachment; filename="${exportFileName(crawlId, format.data)}"`,
        'Cache-Control': 'no-store'
      })
      res.end(body)
      return 200
    }
    if (format.data === 'changes-jsonl' || format.data === 'changes-csv') {
      await coordinator.summary(crawlId) // 404 before the headers go out
      res.writeHead(200, {
        'Content-Type': EXPORT_CONTENT_TYPES[format.data],
        'Content-Disposition': `attachment; filename="${exportFileName(crawlId, format.data)}"`,
        'Cache-Control': 'no-store'
      })
      await writeChangesExport(format.data === 'changes-csv' ? 'csv' : 'jsonl', coordinator.changeRows(crawlId), res)
      return 200
    }
    const rows = await coordinator.exportRows(crawlId)
    res.writeHead(200, {
      'Content-Type': EXPORT_CONTENT_TYPES[format.data],
      'Content-Disposition': `attachment; filename="${exportFileName(crawlId, format.data)}"`,
      'Cache-Control': 'no-store'
    })
    // It ends the response (or destroys it if reading the ledger fails midway).
    await writeExport(format.data, rows, res)
    return 200
  }
  if (sub === 'changes' && parts.length === 3) {
    if (method !== 'GET') throw notAllowed(method, 'GET')
    const param = (name: string): Record<string, string> => {
      const value = url.searchParams.get(name)
      return value ? { [name]: value } : {}
    }
    const limit = url.searchParams.get('limit')
    const query = CrawlChangesQuerySchema.safeParse({
      ...param('kind'),
      ...param('q'),
      ...param('cursor'),
      ...(limit ? { limit: /^\d{1,4}$/.test(limit) ? Number(limit) : limit } : {})
    })
    if (!query.success) throw invalid(query.error.issues, `kind is one of ${CHANGE_KINDS.join(', ')}; limit 1–500.`)
    return sendJson(res, 200, await coordinator.changesPage(crawlId, query.data))
  }
  if (parts.length === 3 && (CRAWL_ACTIONS as readonly string[]).includes(sub ?? '')) {
    if (method !== 'POST') throw notAllowed(method, 'POST')
    return sendJson(res, 200, await coordinator.action(crawlId, sub as CrawlAction))
  }
  throw new CrawlError(
    'InvalidCrawl',
    `No route for ${method} ${url.pathname}`,
    'See the /crawls routes in the README.'
  )
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req, {
    maxBytes: MAX_BODY_BYTES,
    tooLarge: () =>
      new CrawlError(
        'InvalidCrawl',
        `The request body is over ${MAX_BODY_BYTES} bytes`,
        'An id list is at most 8 MiB.'
      ),
    notJson: (reason) =>
      new CrawlError(
        'InvalidCrawl',
        `The request body is not JSON: ${reason}`,
        'Send a CrawlStartRequest as application/json.'
      )
  })
}

function invalid(
  issues: { path: PropertyKey[]; message: string }[],
  hint = 'See CrawlStartRequest: { source: {kind: board|sitemap|ids, …}, refresh?, maxAttempts? (1–10), name? }.'
): CrawlError {
  const issue = issues[0]
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `
  return new CrawlError('InvalidCrawl', `${where}${issue?.message ?? 'invalid request'}`, hint)
}

function notAllowed(method: string, allowed: string): CrawlError {
  return new CrawlError('InvalidCrawl', `${method} is not allowed here`, `Allowed: ${allowed}.`)
}
