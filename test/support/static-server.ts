/**
 * A tiny HTTP server on 127.0.0.1 for tests that need a real web source: it serves files
 * from a folder and/or canned responses from a route map, and can misbehave on request
 * (delay, drop the connection, redirect, stream a body of any size). It records every
 * request, so a test can prove that something was never fetched.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage, IncomingHttpHeaders, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'

export interface StaticResponse {
  /** Default 200, or 302 with `redirect`. */
  status?: number
  headers?: Record<string, string>
  body?: string | Buffer
  /** Wait this long before answering at all (headers included). */
  delayMs?: number
  /** Answer with this Location. */
  redirect?: string
  /** Generate a body of `totalBytes` chunk by chunk, honouring backpressure; never held in memory. */
  stream?: StreamedBody
  /** Write these chunks as they come, then end: a test can hold the rest of a body back. */
  chunks?: AsyncIterable<string | Buffer>
  /** Drop the connection without an answer. */
  destroy?: boolean
}

export interface StreamedBody {
  totalBytes: number
  /** Default 64 KiB. */
  chunkBytes?: number
  /** Send Content-Length up front (default: chunked, no length). */
  declareLength?: boolean
  /** Pause between chunks, for a body that trickles in. */
  chunkDelayMs?: number
}

export type Route = StaticResponse | ((request: IncomingMessage) => StaticResponse)

export interface StaticServerOptions {
  /** Serve files under this folder (a request for /x also finds x.html). Routes win over files. */
  root?: string
  /** Exact pathnames ("/jobs/1") to canned responses. */
  routes?: Record<string, Route>
}

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
}

export interface StaticServer {
  /** "http://127.0.0.1:<port>" */
  origin: string
  url(path: string): string
  requests: RecordedRequest[]
  /** Bytes of streamed bodies actually written, by pathname. */
  streamedBytes(path: string): number
  close(): Promise<void>
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8'
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const requests: RecordedRequest[] = []
  const streamed = new Map<string, number>()
  const root = options.root === undefined ? null : resolve(options.root)

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    requests.push({ method: request.method ?? 'GET', path, headers: request.headers })
    const route = options.routes?.[path]
    const answer =
      route === undefined
        ? serveFile(root, path, response)
        : serveCanned(typeof route === 'function' ? route(request) : route, path, response, streamed)
    answer.catch((err: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' })
      response.end(`static-server: ${(err as Error).message}`)
    })
  })
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', done)
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    origin,
    url: (path) => new URL(path, origin).href,
    requests,
    streamedBytes: (path) => streamed.get(path) ?? 0,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      })
  }
}

async function serveCanned(
  answer: StaticResponse,
  path: string,
  response: ServerResponse,
  streamed: Map<string, number>
): Promise<void> {
  if (answer.delayMs !== undefined) {
    await new Promise((done) => setTimeout(done, answer.delayMs))
    if (response.destroyed) return
  }
  if (answer.destroy) {
    response.socket?.destroy()
    return
  }
  const headers: Record<string, string> = { ...answer.headers }
  if (answer.redirect !== undefined) headers['location'] = answer.redirect
  const status = answer.status ?? (answer.redirect !== undefined ? 302 : 200)
  if (answer.stream !== undefined) {
    if (answer.stream.declareLength) headers['content-length'] = String(answer.stream.totalBytes)
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers })
    await streamBody(response, answer.stream, (bytes) => {
      streamed.set(path, (streamed.get(path) ?? 0) + bytes)
    })
    return
  }
  if (answer.chunks !== undefined) {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers })
    for await (const chunk of answer.chunks) {
      if (response.destroyed) return
      const bytes = Buffer.byteLength(chunk)
      const flushed = response.write(chunk)
      streamed.set(path, (streamed.get(path) ?? 0) + bytes)
      if (!flushed) await drained(response)
    }
    if (!response.destroyed) response.end()
    return
  }
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers })
  response.end(answer.body ?? '')
}

/** Writes filler HTML until `totalBytes` or until the client goes away, whichever is first. */
async function streamBody(
  response: ServerResponse,
  body: StreamedBody,
  onWrite: (bytes: number) => void
): Promise<void> {
  const { totalBytes, chunkBytes = 64 * 1024, chunkDelayMs = 0 } = body
  const chunk = Buffer.alloc(chunkBytes, '<p>filler</p>\n')
  let sent = 0
  while (sent < totalBytes && !response.destroyed) {
    if (chunkDelayMs > 0 && sent > 0) {
      await new Promise((done) => setTimeout(done, chunkDelayMs))
      if (response.destroyed) break
    }
    const piece = sent + chunkBytes <= totalBytes ? chunk : chunk.subarray(0, totalBytes - sent)
    const flushed = response.write(piece)
    sent += piece.length
    onWrite(piece.length)
    if (!flushed) await drained(response)
  }
  if (!response.destroyed) response.end()
}

/** Resolves once the response can take more, or has closed. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise<void>((done) => {
    const finish = (): void => {
      response.off('drain', finish)
      response.off('close', finish)
      done()
    }
    response.on('drain', finish)
    response.on('close', finish)
  })
}

async function serveFile(root: string | null, path: string, response: ServerResponse): Promise<void> {
  const file = root === null ? null : await findFile(root, path)
  if (file === null) {
    response.writeHead(404, { 'content-type': 'text/plain' })
    response.end(`Not found: ${path}`)
    return
  }
  response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' })
  createReadStream(file).pipe(response)
}

async function findFile(root: string, path: string): Promise<string | null> {
  let relative: string
  try {
    relative = decodeURIComponent(path)
  } catch {
    return null
  }
  const candidate = resolve(root, `.${relative}`)
  if (candidate !== root && !candidate.startsWith(root + sep)) return null // no way out of the folder
  for (const file of [candidate, `${candidate}.html`]) {
    const info = await stat(file).catch(() => null)
    if (info?.isFile()) return file
  }
  return null
}
