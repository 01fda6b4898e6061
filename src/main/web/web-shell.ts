/**
 * The panel in a browser: the same controller and renderer as the desktop app, served on
 * loopback over HTTP (the renderer build) and a WebSocket (operations and pushed events).
 * Every request and upgrade must carry the random token of the URL this prints; the page
 * that the token opened gets it as a same-site cookie, so its assets and socket load too.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { WebSocketServer } from 'ws'
import { SOCKET_PATH, TOKEN_PARAM, tokenCookieName } from '../../shared/socket-frames'
import { PanelSession } from '../session/panel-session'
import type { SessionBackend } from '../session/panel-session'
import type { PanelController } from '../controller/panel-controller'
import { serveExport } from './export-route'
import { serveRendererFile } from './renderer-files'
import { checkRequest } from './request-guard'
import { runSocketSession } from './socket-session'

export interface WebShellOptions {
  controller: SessionBackend & Pick<PanelController, 'openExport'>
  /** 0 picks a free port. */
  port: number
  /** Loopback only: 127.0.0.1 (default), or ::1 / localhost. */
  host?: string
  /** A fresh random token when absent. */
  token?: string
  /** The renderer build to serve; default out/renderer of this checkout. */
  rendererDir?: string
  /** Open sockets at most; one more is answered 503. Default 32. */
  maxSockets?: number
}

export interface WebShell {
  /** http://127.0.0.1:<port>/?token=… */
  url: string
  token: string
  port: number
  close(): Promise<void>
}

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../../out/renderer', import.meta.url))
const MAX_FRAME_BYTES = 1024 * 1024

export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const host = options.host ?? '127.0.0.1'
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
    throw new Error(`The web shell listens on loopback only (127.0.0.1, ::1 or localhost), not ${host}.`)
  }
  if (options.token !== undefined) {
    const weakness = tokenWeakness(options.token)
    if (weakness !== null)
      throw new Error(
        `DECK_WEB_TOKEN is too weak: ${weakness}. Leave it unset for a random one, or use e.g. \`openssl rand -base64 32\`.`
      )
  }
  const token = options.token ?? randomBytes(24).toString('base64url')
  const maxSockets = options.maxSockets ?? 32
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR
  let port = options.port

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  sockets.on('connection', (socket) =>
    runSocketSession(socket, (deliver) => new PanelSession(options.controller, deliver))
  )

  const server = createServer((request, response) => {
    // A failed request must not become an unhandled rejection, which would end the process.
    handleHttp(request, response).catch((err: unknown) => {
      if (!response.headersSent)
        answerPlain(response, 500, `The web shell failed on this request: ${(err as Error).message}`)
      else response.destroy()
    })
  })

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const verdict = checkRequest(url, request.headers, port, token)
    if (!verdict.ok) return answerPlain(response, verdict.status, verdict.reason)
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return answerPlain(response, 405, 'Only GET is served here.')
    if (!decodes(url.pathname)) return answerPlain(response, 400, 'The path has a malformed percent-escape.')
    // The token travels on as a cookie, so the page's assets, its socket and a reload work
    // after the renderer removes it from the address bar.
    const cookie: Record<string, string> = url.searchParams.has(TOKEN_PARAM)
      ? { 'Set-Cookie': `${tokenCookieName(port)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict` }
      : {}
    if (await serveExport(url, response, (id, format) => options.controller.openExport(id, format))) return
    const served = await serveRendererFile(rendererDir, url.pathname, response, cookie)
    if (!served) answerPlain(response, 404, `No such file: ${url.pathname}`)
  }

  // Node closes a CONNECT (proxy) request without a word when nothing listens for it: answer it.
  server.on('connect', (_request: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy())
    socket.end(
      'HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nOnly GET is served here.\n'
    )
  })

  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const verdict =
      url.pathname === SOCKET_PATH
        ? checkRequest(url, request.headers, port, token)
        : { ok: false as const, status: 404, reason: 'No socket here.' }
    if (verdict.ok && sockets.clients.size >= maxSockets) {
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nThis panel already has ${maxSockets} connections; close a tab and reload.\n`
      )
      return
    }
    if (!verdict.ok) {
      socket.end(
        `HTTP/1.1 ${verdict.status} ${verdict.status === 401 ? 'Unauthorized' : verdict.status === 403 ? 'Forbidden' : 'Not Found'}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${verdict.reason}\n`
      )
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request))
  })

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(options.port, host, () => {
      server.off('error', reject)
      resolvePromise()
    })
  })
  port = (server.address() as AddressInfo).port
  const urlHost = host === '::1' ? '[::1]' : host
  const url = `http://${urlHost}:${port}/?${TOKEN_PARAM}=${token}`

  return {
    url,
    token,
    port,
    close: async (): Promise<void> => {
      for (const client of sockets.clients) client.terminate()
      await new Promise<void>((resolvePromise) => sockets.close(() => resolvePromise()))
      server.closeAllConnections()
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()))
    }
  }
}

/** Why a token someone chose is too easy to guess, or null when it is not. */
function tokenWeakness(token: string): string | null {
  if (token.length < 24) return `it has ${token.length} characters, fewer than 24`
  if (new Set(token).size < 10) return 'it repeats too few different characters'
  return null
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path)
    return true
  } catch {
    return false
  }
}

function answerPlain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' })
  response.end(`${text}\n`)
}
