/**
 * The /sources REST routes of the API service:
 *   GET /sources → SourceListResponse, POST /sources (a SourceSpec) → 201 SourceDetail,
 *   GET /sources/:name, PATCH /sources/:name (a SourceEdit), POST /sources/:name/pause|resume,
 *   GET /sources/:name/hosts → HostListResponse,
 *   DELETE /sources/:name
 * Bad input is 400 InvalidSource with the specific reason, an unknown source 404
 * SourceNotFound, a taken name 409 SourceNameTaken, Elasticsearch down 503 SourcesUnavailable.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SourceEditSchema, SourceNameSchema } from '../../shared/source'
import type { Logger } from '../log'
import { SourceError, invalidSource } from '../sources/source-errors'
import type { SourceRegistry } from '../sources/source-registry'
import { answerRoute, decodedSegment, readJsonBody, sendJson } from './json-routes'

const MAX_BODY_BYTES = 64 * 1024
const SOURCE_ACTIONS = ['pause', 'resume'] as const

export function isSourcePath(path: string): boolean {
  return path === '/sources' || path.startsWith('/sources/')
}

/** Answers one /sources request; returns the status sent, for the request log. */
export async function handleSourceRequest(
  sources: SourceRegistry | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  logger: Logger
): Promise<number> {
  const context = {
    failed: 'Source request failed',
    url,
    logger,
    storeUnavailable: () =>
      new SourceError(
        'SourcesUnavailable',
        'The source store (Elasticsearch) cannot be reached',
        'Check Elasticsearch (GET /health).'
      )
  }
  return answerRoute(res, context, () => {
    if (sources === undefined)
      throw new SourceError(
        'SourcesUnavailable',
        'The source registry is still starting',
        'It waits for Elasticsearch; try again in a few seconds.'
      )
    return route(sources, req, res, url)
  })
}

async function route(sources: SourceRegistry, req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
  const method = req.method ?? 'GET'
  const parts = url.pathname.split('/').filter((p) => p !== '')
  if (parts.length === 1) {
    if (method === 'GET') return sendJson(res, 200, { sources: await sources.list() })
    if (method === 'POST') return sendJson(res, 201, await sources.create(await readJson(req)))
    throw notAllowed(method, 'GET, POST')
  }
  const name = SourceNameSchema.safeParse(decodedSegment(parts[1] ?? ''))
  if (!name.success) throw invalidSource(name.error.issues)
  if (parts.length === 2) {
    if (method === 'GET') return sendJson(res, 200, await sources.detail(name.data))
    if (method === 'PATCH') {
      const edit = SourceEditSchema.strict().safeParse(await readJson(req))
      if (!edit.success) throw invalidSource(edit.error.issues)
      return sendJson(res, 200, await sources.edit(name.data, edit.data))
    }
    if (method === 'DELETE') {
      await sources.remove(name.data)
      return sendJson(res, 200, { deleted: true })
    }
    throw notAllowed(method, 'GET, PATCH, DELETE')
  }
  const action = parts[2]
  if (parts.length === 3 && action === 'hosts') {
    if (method !== 'GET') throw notAllowed(method, 'GET')
    return sendJson(res, 200, { hosts: (await sources.detail(name.data)).hosts })
  }
  if (parts.length === 3 && (action === 'pause' || action === 'resume')) {
    if (method !== 'POST') throw notAllowed(method, 'POST')
    return sendJson(res, 200, await sources.setPaused(name.data, action === 'pause'))
  }
  throw new SourceError(
    'InvalidSource',
    `No route for ${method} ${url.pathname}`,
    `The routes are /sources and /sources/:name[/${[...SOURCE_ACTIONS, 'hosts'].join('|')}].`
  )
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req, {
    maxBytes: MAX_BODY_BYTES,
    tooLarge: () =>
      new SourceError(
        'InvalidSource',
        `The request body is over ${MAX_BODY_BYTES} bytes`,
        'A source is a small JSON object.'
      ),
    notJson: (reason) =>
      new SourceError(
        'InvalidSource',
        `The request body is not JSON: ${reason}`,
        'Send the source as application/json.'
      )
  })
}

function notAllowed(method: string, allowed: string): SourceError {
  return new SourceError('InvalidSource', `${method} is not allowed here`, `Allowed: ${allowed}.`)
}
