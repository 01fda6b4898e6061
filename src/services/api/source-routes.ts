/**
 * The /sources REST routes of the API service:
 *   GET /sources → SourceListResponse, POST /sources (a SourceSpec) → 201 SourceDetail,
 *   GET /sources/:name, PATCH /sources/:name (a SourceEdit), POST /sources/:name/pause|resume,
 *   DELETE /sources/:name
 * Bad input is 400 InvalidSource with the specific reason, an unknown source 404
 * SourceNotFound, a taken name 409 SourceNameTaken, Elasticsearch down 503 SourcesUnavailable.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ERROR_RULES } from '../../shared/error-kinds'
import { SourceEditSchema, SourceNameSchema } from '../../shared/source'
import { isTransientEsError } from '../listings/elasticsearch-client'
import type { Logger } from '../log'
import { SourceError, invalidSource } from '../sources/source-errors'
import type { SourceRegistry } from '../sources/source-registry'

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
  try {
    if (sources === undefined)
      throw new SourceError(
        'SourcesUnavailable',
        'The source registry is still starting',
        'It waits for Elasticsearch; try again in a few seconds.'
      )
    return await route(sources, req, res, url)
  } catch (err) {
    const { status, body } = errorBody(err)
    if (status === 500)
      logger.error('Source request failed', {
        path: url.pathname,
        error: err instanceof Error ? err.stack : String(err)
      })
    return sendJson(res, status, body)
  }
}

async function route(sources: SourceRegistry, req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
  const method = req.method ?? 'GET'
  const parts = url.pathname.split('/').filter((p) => p !== '')
  if (parts.length === 1) {
    if (method === 'GET') return sendJson(res, 200, { sources: await sources.list() })
    if (method === 'POST') return sendJson(res, 201, await sources.create(await readJson(req)))
    throw notAllowed(method, 'GET, POST')
  }
  const name = SourceNameSchema.safeParse(decodeSegment(parts[1] ?? ''))
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
  if (parts.length === 3 && (action === 'pause' || action === 'resume')) {
    if (method !== 'POST') throw notAllowed(method, 'POST')
    return sendJson(res, 200, await sources.setPaused(name.data, action === 'pause'))
  }
  throw new SourceError(
    'InvalidSource',
    `No route for ${method} ${url.pathname}`,
    `The routes are /sources and /sources/:name[/${SOURCE_ACTIONS.join('|')}].`
  )
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw // left as is: the name check refuses the stray "%"
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES)
      throw new SourceError(
        'InvalidSource',
        `The request body is over ${MAX_BODY_BYTES} bytes`,
        'A source is a small JSON object.'
      )
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch (err) {
    throw new SourceError(
      'InvalidSource',
      `The request body is not JSON: ${(err as Error).message}`,
      'Send the source as application/json.'
    )
  }
}

function notAllowed(method: string, allowed: string): SourceError {
  return new SourceError('InvalidSource', `${method} is not allowed here`, `Allowed: ${allowed}.`)
}

function errorBody(err: unknown): { status: number; body: { error: { kind: string; message: string; hint: string } } } {
  if (err instanceof SourceError)
    return {
      status: ERROR_RULES[err.kind].status,
      body: { error: { kind: err.kind, message: err.message, hint: err.hint } }
    }
  if (isTransientEsError(err)) {
    return {
      status: 503,
      body: {
        error: {
          kind: 'SourcesUnavailable',
          message: 'The source store (Elasticsearch) cannot be reached',
          hint: 'Check Elasticsearch (GET /health).'
        }
      }
    }
  }
  return {
    status: 500,
    body: { error: { kind: 'Internal', message: 'Internal error', hint: 'An unexpected error; see the API logs.' } }
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): number {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store'
  })
  res.end(text)
  return status
}
