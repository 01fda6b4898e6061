/**
 * REST client of the crawl coordinator (the API service's /crawls routes), for the panel,
 * the CLI and tests. Every failure is an ApiClientError (api-client.ts) whose `kind` is the
 * error kind the API answered (CrawlNotFound, InvalidCrawl, CrawlConflict…), or
 * CrawlerUnavailable when there was no usable answer.
 */
import {
  CrawlDeleteResponseSchema,
  CrawlDetailSchema,
  CrawlItemsPageSchema,
  CrawlListResponseSchema,
  CrawlStartResponseSchema,
  CrawlSummarySchema
} from '../../shared/crawl'
import { CrawlChangesPageSchema } from '../../shared/crawl-changes'
import type { CrawlChangesPage, CrawlChangesQuery } from '../../shared/crawl-changes'
import { logQueryParams } from '../../services/api/log-routes'
import { LogPageSchema } from '../../shared/log-record'
import type { LogPage, LogQuery } from '../../shared/log-record'
import { ApiClient, ApiClientError } from './api-client'
import type { ApiClientOptions, ApiRoutesErrors } from './api-client'
import type {
  CrawlAction,
  CrawlDetail,
  CrawlItemsPage,
  CrawlItemsQuery,
  CrawlListResponse,
  CrawlStartRequest,
  CrawlStartResponse,
  CrawlSummary,
  ExportFormat
} from '../../shared/crawl'

const CRAWL_ROUTES_ERRORS: ApiRoutesErrors = {
  unavailable: 'CrawlerUnavailable',
  invalid: 'InvalidCrawl',
  notFound: 'CrawlNotFound',
  unreachableHint: 'Is the stack up? The crawl coordinator runs in the api service.',
  noRoutesHint: 'This API has no crawl routes; rebuild the stack images.'
}

export class CrawlClient extends ApiClient {
  constructor(options: ApiClientOptions) {
    super(options, CRAWL_ROUTES_ERRORS)
  }

  start(request: CrawlStartRequest): Promise<CrawlStartResponse> {
    return this.json('POST', '/crawls', CrawlStartResponseSchema, request)
  }

  list(): Promise<CrawlListResponse> {
    return this.json('GET', '/crawls', CrawlListResponseSchema)
  }

  get(id: string): Promise<CrawlDetail> {
    return this.json('GET', `/crawls/${encodeURIComponent(id)}`, CrawlDetailSchema)
  }

  items(id: string, query: CrawlItemsQuery = {}): Promise<CrawlItemsPage> {
    const params = new URLSearchParams()
    if (query.state !== undefined) params.set('state', query.state)
    if (query.cursor !== undefined) params.set('cursor', query.cursor)
    if (query.limit !== undefined) params.set('limit', String(query.limit))
    const qs = params.size > 0 ? `?${params.toString()}` : ''
    return this.json('GET', `/crawls/${encodeURIComponent(id)}/items${qs}`, CrawlItemsPageSchema)
  }

  /** A page of the crawl's change report (new, changed with field diffs, gone, failed; unchanged on request). */
  changes(id: string, query: CrawlChangesQuery = {}): Promise<CrawlChangesPage> {
    const params = new URLSearchParams()
    if (query.kind !== undefined) params.set('kind', query.kind)
    if (query.q !== undefined && query.q !== '') params.set('q', query.q)
    if (query.cursor !== undefined) params.set('cursor', query.cursor)
    if (query.limit !== undefined) params.set('limit', String(query.limit))
    const qs = params.size > 0 ? `?${params.toString()}` : ''
    return this.json('GET', `/crawls/${encodeURIComponent(id)}/changes${qs}`, CrawlChangesPageSchema)
  }

  action(id: string, action: CrawlAction): Promise<CrawlSummary> {
    return this.json('POST', `/crawls/${encodeURIComponent(id)}/${action}`, CrawlSummarySchema)
  }

  async remove(id: string): Promise<{ deleted: boolean }> {
    return this.json('DELETE', `/crawls/${encodeURIComponent(id)}`, CrawlDeleteResponseSchema)
  }

  /** A page of the stack's log (GET /logs, served by the same API; src/shared/log-record.ts). */
  logs(query: Partial<LogQuery>): Promise<LogPage> {
    return this.json('GET', `/logs?${logQueryParams(query).toString()}`, LogPageSchema)
  }

  /** The export's body as it streams from the API (JSON Lines or CSV). */
  async export(id: string, format: ExportFormat): Promise<ReadableStream<Uint8Array>> {
    const response = await this.request('GET', `/crawls/${encodeURIComponent(id)}/export?format=${format}`)
    if (response.body === null)
      throw new ApiClientError('CrawlerUnavailable', 'The export answered no body', null, response.status)
    return response.body
  }
}
