/**
 * The /saved-searches REST routes of the API service (matched and delivered by its crawl
 * coordinator after each watched crawl):
 *   GET /saved-searches → SavedSearchListResponse, POST /saved-searches (a SavedSearchSpec) →
 *   201 with its secret (the one time it is sent unasked), GET /saved-searches/:name
 *   (?reveal=1 adds the secret), PATCH /saved-searches/:name (a SavedSearchEdit),
 *   DELETE /saved-searches/:name, GET /saved-searches/:name/deliveries
 * Bad input (a webhook URL that is not http(s) or carries credentials among it) is 400
 * InvalidSavedSearch with the reason, an unknown name 404, a taken one 409, Elasticsearch
 * down 503 WatchesUnavailable (the store is the watches').
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SavedSearchNameSchema } from '../../shared/saved-search'
import type { SavedSearchStore } from '../alerts/saved-search-store'
import { SavedSearchError, invalidSavedSearch, savedSearchStoreUnavailable } from '../alerts/saved-search-errors'
import type { Logger } from '../log'
import { answerRoute, decodedSegment, readJsonBody, sendJson } from './json-routes'

const MAX_BODY_BYTES = 64 * 1024
const ROOT = '/saved-searches'

export function isSavedSearchPath(path: string): boolean {
  return path === ROOT || path.startsWith(`${ROOT}/`)
}

/** Answers one /saved-searches request; returns the status sent, for the request log. */
export async function handleSavedSearchRequest(
  store: SavedSearchStore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  logger: Logger
): Promise<number> {
  const context = { failed: 'Saved search request failed', url, logger, storeUnavailable: savedSearchStoreUnavailable }
  return answerRoute(res, context, () => route(store, req, res, url))
}

async function route(store: SavedSearchStore, req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
  const method = req.method ?? 'GET'
  const parts = url.pathname.split('/').filter((p) => p !== '')
  if (parts.length === 1) {
    if (method === 'GET') return sendJson(res, 200, { savedSearches: await store.list() })
    if (method === 'POST') return sendJson(res, 201, await store.create(await readJson(req)))
    throw notAllowed(method, 'GET, POST')
  }
  const name = SavedSearchNameSchema.safeParse(decodedSegment(parts[1] ?? ''))
  if (!name.success) throw invalidSavedSearch(name.error.issues)
  if (parts.length === 2) {
    if (method === 'GET') {
      const reveal = url.searchParams.get('reveal')
      return sendJson(
        res,
        200,
        reveal === '1' || reveal === 'true' ? await store.reveal(name.data) : await store.get(name.data)
      )
    }
    if (method === 'PATCH') return sendJson(res, 200, await store.edit(name.data, await readJson(req)))
    if (method === 'DELETE') {
      await store.remove(name.data)
      return sendJson(res, 200, { deleted: true })
    }
    throw notAllowed(method, 'GET, PATCH, DELETE')
  }
  if (parts.length === 3 && parts[2] === 'deliveries') {
    if (method !== 'GET') throw notAllowed(method, 'GET')
    const saved = await store.get(name.data)
    return sendJson(res, 200, { name: saved.name, deliveries: saved.deliveries })
  }
  throw new SavedSearchError(
    'InvalidSavedSearch',
    `No route for ${method} ${url.pathname}`,
    `The routes are ${ROOT}, ${ROOT}/:name and ${ROOT}/:name/deliveries.`
  )
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req, {
    maxBytes: MAX_BODY_BYTES,
    tooLarge: () => new SavedSearchError('InvalidSavedSearch', `The request body is over ${MAX_BODY_BYTES} bytes`),
    notJson: (reason) =>
      new SavedSearchError(
        'InvalidSavedSearch',
        `The request body is not JSON: ${reason}`,
        'Send the saved search as application/json.'
      )
  })
}

function notAllowed(method: string, allowed: string): SavedSearchError {
  return new SavedSearchError('InvalidSavedSearch', `${method} is not allowed here`, `Allowed: ${allowed}.`)
}
