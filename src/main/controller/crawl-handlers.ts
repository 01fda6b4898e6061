/**
 * The crawl operations: the coordinator in the stack runs crawls and keeps their ledger; the
 * panel is one of its clients (over the API's REST). A follow is a stream the client owns:
 * its `crawlProgress` events come from one shared watch per crawl.
 */
import type { OperationName, OperationResponse, ParsedRequest } from '../../shared/contract'
import type { ExportFormat } from '../../shared/crawl'
import type { CrawlClient } from '../clients/crawl-client'
import type { ClientChannel } from '../session/client-channel'
import type { CrawlWatches } from './crawl-watch'

type CrawlOperation = Extract<OperationName, `crawl${string}`>
type Handler<K extends OperationName> = (request: ParsedRequest<K>, client: ClientChannel) => Promise<OperationResponse<K>>

export interface CrawlParts {
  crawls: Pick<CrawlClient, 'start' | 'list' | 'get' | 'items' | 'action' | 'remove'>
  watches: Pick<CrawlWatches, 'watch'>
  /** Where a shell's client downloads a crawl's export (the web shell's path, Electron's scheme). */
  exportUrl: (id: string, format: ExportFormat) => string
}

export function crawlHandlers({ crawls, watches, exportUrl }: CrawlParts): { [K in CrawlOperation]: Handler<K> } {
  return {
    crawlStart: (r) => crawls.start(r),
    crawlList: () => crawls.list(),
    crawlGet: (r) => crawls.get(r.id),
    crawlItems: ({ id, ...query }) => crawls.items(id, query),
    crawlAction: (r) => crawls.action(r.id, r.action),
    crawlDelete: (r) => crawls.remove(r.id),
    crawlFollow: async (r, client) => {
      const detail = await crawls.get(r.id)
      const followId = r.followId ?? client.newStreamId()
      let ended = false
      let unwatch = (): void => {}
      const end = (reason: string): void => {
        if (ended) return
        ended = true
        unwatch()
        client.release(followId)
        client.send('crawlProgressEnd', { followId, reason })
      }
      client.own(followId, () => end('stopped'))
      unwatch = watches.watch(detail, {
        onDetail: (next) => client.send('crawlProgress', { followId, detail: next }),
        onEnd: end
      })
      return { followId, detail }
    },
    crawlUnfollow: async (r, client) => ({ stopped: client.stop(r.followId) }),
    crawlExportUrl: async (r) => {
      await crawls.get(r.id) // an unknown crawl is an error now, not a broken download later
      return { url: exportUrl(r.id, r.format) }
    }
  }
}
