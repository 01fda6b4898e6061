/**
 * The crawl operations: the coordinator in the stack runs crawls and keeps their ledger; the
 * panel is one of its clients (over the API's REST). Following a crawl is the `crawl`
 * stream (crawl-watch.ts).
 */
import type { OperationName, OperationResponse, ParsedRequest } from '../../shared/contract'
import type { ExportFormat } from '../../shared/crawl'
import type { CrawlClient } from '../clients/crawl-client'

type CrawlOperation = Extract<OperationName, `crawl${string}`>
type Handler<K extends OperationName> = (request: ParsedRequest<K>) => Promise<OperationResponse<K>>

export interface CrawlParts {
  crawls: Pick<CrawlClient, 'start' | 'list' | 'get' | 'items' | 'changes' | 'action' | 'remove'>
  /** Where a shell's client downloads a crawl's export (the web shell's path, Electron's scheme). */
  exportUrl: (id: string, format: ExportFormat) => string
}

export function crawlHandlers({ crawls, exportUrl }: CrawlParts): { [K in CrawlOperation]: Handler<K> } {
  return {
    crawlStart: (r) => crawls.start(r),
    crawlList: () => crawls.list(),
    crawlGet: (r) => crawls.get(r.id),
    crawlItems: ({ id, ...query }) => crawls.items(id, query),
    crawlChanges: ({ id, ...query }) => crawls.changes(id, query),
    crawlAction: (r) => crawls.action(r.id, r.action),
    crawlDelete: (r) => crawls.remove(r.id),
    crawlExportUrl: async (r) => {
      await crawls.get(r.id) // an unknown crawl is an error now, not a broken download later
      return { url: exportUrl(r.id, r.format) }
    }
  }
}
