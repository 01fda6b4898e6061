/**
 * GET /hosts → HostListResponse: every host the fleet fetches from, with its limits, its load
 * and its backoff (src/services/crawler/host-statuses.ts). One source's hosts are at
 * GET /sources/:name/hosts (source-routes.ts). Elasticsearch down is 503 CrawlerUnavailable.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Coordinator } from '../crawler/coordinator'
import { CrawlError, coordinatorStarting, coordinatorStoreUnavailable } from '../crawler/crawl-errors'
import type { Logger } from '../log'
import { answerRoute, sendJson } from './json-routes'

export function isHostPath(path: string): boolean {
  return path === '/hosts' || path.startsWith('/hosts/')
}

export async function handleHostRequest(
  coordinator: Coordinator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  logger: Logger
): Promise<number> {
  const context = { failed: 'Host request failed', url, logger, storeUnavailable: coordinatorStoreUnavailable }
  return answerRoute(res, context, async () => {
    if (!coordinator.ready) throw coordinatorStarting()
    if (url.pathname !== '/hosts')
      throw new CrawlError('InvalidCrawl', `No route for ${url.pathname}`, 'GET /hosts, or GET /sources/:name/hosts.')
    if ((req.method ?? 'GET') !== 'GET')
      throw new CrawlError('InvalidCrawl', `${req.method} is not allowed here`, 'Allowed: GET.')
    return sendJson(res, 200, { hosts: await coordinator.hostStatuses.all() })
  })
}
