/**
 * `GET /exports/crawls/:id?format=jsonl|csv|summary` on the web shell: a crawl's export streamed from
 * the coordinator to the browser as a download, behind the same token check as every other
 * request (the page's cookie carries it). The browser's own download UI is the save dialog.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { ServerResponse } from 'node:http'
import { CrawlIdSchema, ExportFormatSchema, exportFileName } from '../../shared/crawl'
import type { ExportFormat } from '../../shared/crawl'
import { ERROR_RULES } from '../../shared/error-kinds'
import { ApiClientError } from '../clients/api-client'

const EXPORT_PATH_PREFIX = '/exports/crawls/'

const CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  summary: 'application/json; charset=utf-8',
  'changes-jsonl': 'application/x-ndjson; charset=utf-8',
  'changes-csv': 'text/csv; charset=utf-8'
}

export type OpenExport = (id: string, format: ExportFormat) => Promise<ReadableStream<Uint8Array>>

/** Answers the request when its path is an export's; false when it is not. */
export async function serveExport(url: URL, response: ServerResponse, openExport: OpenExport): Promise<boolean> {
  if (!url.pathname.startsWith(EXPORT_PATH_PREFIX)) return false
  const id = CrawlIdSchema.safeParse(decodeURIComponent(url.pathname.slice(EXPORT_PATH_PREFIX.length)))
  const format = ExportFormatSchema.safeParse(url.searchParams.get('format') ?? '')
  if (!id.success) return plain(response, 400, 'Not a crawl id.')
  if (!format.success) return plain(response, 400, 'format must be jsonl, csv or summary.')
  let body: ReadableStream<Uint8Array>
  try {
    body = await openExport(id.data, format.data)
  } catch (err) {
    if (err instanceof ApiClientError) {
      // The caller's mistake keeps its kind's status; the coordinator failing is this gateway's 502.
      const status = ERROR_RULES[err.kind].status
      return plain(response, status < 500 ? status : 502, err.message)
    }
    throw err
  }
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[format.data],
    'Content-Disposition': `attachment; filename="${exportFileName(id.data, format.data)}"`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store'
  })
  // Streamed with backpressure: a big crawl's export is never held in memory here.
  await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), response).catch(() => response.destroy())
  return true
}

function plain(response: ServerResponse, status: number, text: string): true {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' })
  response.end(`${text}\n`)
  return true
}
