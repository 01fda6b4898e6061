/**
 * One GET over node:http(s), answered with the response's head and its body as a stream.
 *
 * `sendBy` (epoch ms) is the last moment the request may leave this process: it is checked
 * when the request gets its socket (a kept-alive one: Node writes the request right after) and,
 * on a new connection, again just before Node writes it (on connect, or once TLS is set up).
 * A fetch slot is a promise about when the site sees a request start; checked only before the
 * call, the request could still leave late by whatever the event loop did in between. A request
 * stopped this way never reaches the site: `late` makes the error it fails with.
 *
 * node:http rather than fetch: it costs the scraper about half a millisecond less CPU a page,
 * and fetch offers no hook between the connection and the write.
 */
import http from 'node:http'
import type { IncomingMessage } from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'

export interface GetOptions {
  headers: Record<string, string>
  /** Aborts the request, and the body while it is read. */
  signal: AbortSignal
  sendBy?: number | null
  /** The error for a request that was not sent because it was `lateMs` past `sendBy`. */
  late?: (lateMs: number) => Error
}

export function httpGet(url: string, options: GetOptions): Promise<IncomingMessage> {
  const target = new URL(url)
  const client = target.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const request = client.get(target, { headers: options.headers, signal: options.signal }, resolve)
    request.once('error', reject)
    const sendBy = options.sendBy ?? null
    if (sendBy === null) return
    const stopIfLate = (): void => {
      const lateMs = Date.now() - sendBy
      if (lateMs > 0) request.destroy(options.late?.(lateMs) ?? new Error(`not sent: ${lateMs} ms late`))
    }
    request.once('socket', (socket: Socket) => {
      stopIfLate()
      // Net and TLS sockets write what was queued while connecting from their own listener of
      // these events; ours goes first.
      if (socket.connecting) socket.prependOnceListener('encrypted' in socket ? 'secureConnect' : 'connect', stopIfLate)
    })
  })
}

/** A header's value as one string (the first of a repeated one), null when absent. */
export function headerOf(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name]
  if (value === undefined) return null
  return Array.isArray(value) ? (value[0] ?? null) : value
}

/** Drops an answer's body: read to the end when it is small (the connection stays reusable), else the connection is closed. */
export function discardBody(response: IncomingMessage, keepUpTo = 64 * 1024): void {
  const length = Number(response.headers['content-length'] ?? NaN)
  if (length <= keepUpTo) response.resume()
  else response.destroy()
}
