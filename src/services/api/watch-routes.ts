/**
 * The /watches REST routes of the API service (the scheduler runs in its crawl coordinator):
 *   GET /watches → WatchListResponse, POST /watches (a WatchSpec) → 201 RevealedWatch (its secret),
 *   GET /watches/:id (`?reveal=1` adds the secret), PATCH /watches/:id (a WatchEdit), DELETE /watches/:id,
 *   POST /watches/:id/pause|resume|run
 * Bad input (a cron expression or time zone that does not parse among it) is 400 InvalidWatch
 * with the reason and an example, an unknown watch 404 WatchNotFound, Elasticsearch down or
 * the coordinator still starting 503 WatchesUnavailable.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { WATCH_ACTIONS, WatchIdSchema } from '../../shared/watch'
import type { Logger } from '../log'
import { WatchError, invalidWatch, watchStoreUnavailable, watchesStarting } from '../watches/watch-errors'
import type { WatchScheduler } from '../watches/watch-scheduler'
import { answerRoute, readJsonBody, sendJson } from './json-routes'

const MAX_BODY_BYTES = 64 * 1024

export function isWatchPath(path: string): boolean {
  return path === '/watches' || path.startsWith('/watches/')
}

/** Answers one /watches request; returns the status sent, for the request log. */
export async function handleWatchRequest(
  watches: WatchScheduler,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  logger: Logger
): Promise<number> {
  const context = { failed: 'Watch request failed', url, logger, storeUnavailable: watchStoreUnavailable }
  return answerRoute(res, context, () => {
    if (!watches.ready) throw watchesStarting()
    return route(watches, req, res, url)
  })
}

async function route(watches: WatchScheduler, req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
  const method = req.method ?? 'GET'
  const store = watches.store
  const parts = url.pathname.split('/').filter((p) => p !== '')
  if (parts.length === 1) {
    if (method === 'GET') return sendJson(res, 200, { watches: await store.list() })
    if (method === 'POST') return sendJson(res, 201, await store.create(await readJson(req)))
    throw notAllowed(method, 'GET, POST')
  }
  const id = WatchIdSchema.safeParse(parts[1] ?? '')
  if (!id.success) throw invalidWatch(id.error.issues)
  if (parts.length === 2) {
    if (method === 'GET')
      return sendJson(
        res,
        200,
        url.searchParams.get('reveal') === '1' ? await store.reveal(id.data) : await store.get(id.data)
      )
    if (method === 'PATCH') return sendJson(res, 200, await store.edit(id.data, await readJson(req)))
    if (method === 'DELETE') {
      await store.remove(id.data)
      return sendJson(res, 200, { deleted: true })
    }
    throw notAllowed(method, 'GET, PATCH, DELETE')
  }
  const action = parts[2]
  if (parts.length === 3 && (action === 'pause' || action === 'resume' || action === 'run')) {
    if (method !== 'POST') throw notAllowed(method, 'POST')
    if (action === 'run') return sendJson(res, 200, await watches.runNow(id.data))
    return sendJson(res, 200, await store.setPaused(id.data, action === 'pause'))
  }
  throw new WatchError(
    'InvalidWatch',
    `No route for ${method} ${url.pathname}`,
    `The routes are /watches and /watches/:id[/${WATCH_ACTIONS.join('|')}].`
  )
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req, {
    maxBytes: MAX_BODY_BYTES,
    tooLarge: () =>
      new WatchError(
        'InvalidWatch',
        `The request body is over ${MAX_BODY_BYTES} bytes`,
        'A watch is a small JSON object.'
      ),
    notJson: (reason) =>
      new WatchError('InvalidWatch', `The request body is not JSON: ${reason}`, 'Send the watch as application/json.')
  })
}

function notAllowed(method: string, allowed: string): WatchError {
  return new WatchError('InvalidWatch', `${method} is not allowed here`, `Allowed: ${allowed}.`)
}
