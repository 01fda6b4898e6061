/**
 * The plumbing every JSON route family of the API shares (crawl-routes.ts, source-routes.ts,
 * host-routes.ts): reading a bounded JSON body, sending JSON, and answering a failure with its
 * kind's status — Elasticsearch being down as the family's own "unavailable" kind, since the
 * store is that family's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isTransientEsError } from '../listings/elasticsearch-client'
import type { Logger } from '../log'
import { errorResponse } from './error-response'

export interface JsonBodyLimits {
  maxBytes: number
  /** The error for a body over maxBytes. */
  tooLarge: () => Error
  /** The error for a body that does not parse, given the parser's message. */
  notJson: (reason: string) => Error
}

export async function readJsonBody(req: IncomingMessage, limits: JsonBodyLimits): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limits.maxBytes) throw limits.tooLarge()
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch (err) {
    throw limits.notJson((err as Error).message)
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): number {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store'
  })
  res.end(text)
  return status
}

export interface RouteErrorContext {
  /** For the log line of a 500, e.g. "Crawl request failed". */
  failed: string
  url: URL
  logger: Logger
  /** The family's error for its store (Elasticsearch) being unreachable. */
  storeUnavailable: (cause: unknown) => Error
}

/** Answers a failed request; returns the status sent, for the request log. */
function sendRouteError(err: unknown, res: ServerResponse, context: RouteErrorContext): number {
  const { status, body } = errorResponse(isTransientEsError(err) ? context.storeUnavailable(err) : err)
  if (status === 500)
    context.logger.error(context.failed, {
      path: context.url.pathname,
      error: err instanceof Error ? err.stack : String(err)
    })
  // A streamed answer (an export) that fails midway can only be cut off.
  if (res.headersSent) {
    res.destroy(err instanceof Error ? err : undefined)
    return res.statusCode
  }
  return sendJson(res, status, body)
}

/** Runs one request of a route family; whatever it throws is answered with its kind's status. */
export async function answerRoute(
  res: ServerResponse,
  context: RouteErrorContext,
  route: () => Promise<number>
): Promise<number> {
  try {
    return await route()
  } catch (err) {
    return sendRouteError(err, res, context)
  }
}

/** A path segment as written; a malformed escape is left as it is (and then fails the name's pattern). */
export function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
