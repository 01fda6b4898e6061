/**
 * Who may talk to the web shell: a request must name our own loopback address in Host (so a
 * DNS-rebinding page on another name is refused), come from our own origin if it says where
 * it comes from, and carry the shell's token (query parameter, cookie, or bearer header).
 */
import { timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { TOKEN_PARAM, tokenCookieName } from '../../shared/socket-frames'

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: string }

/** Host names a browser may use for the shell: only loopback, never a name that resolves to it. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** `127.0.0.1:7400` → true for our port; any other name or port → false. */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (hostHeader === undefined) return false
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase())
  if (!match) return false
  const [, name, portText] = match
  return name !== undefined && LOOPBACK_HOSTS.has(name) && Number(portText ?? 80) === port
}

/** A browser sends Origin on WebSocket upgrades and cross-site requests; it must be ours. */
export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return true // not a browser cross-origin request; the token still applies
  let origin: URL
  try {
    origin = new URL(originHeader)
  } catch {
    return false
  }
  return origin.protocol === 'http:' && isAllowedHost(origin.host, port)
}

export function tokensEqual(expected: string, given: string | null): boolean {
  if (given === null) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The token a request carries, from the URL, the cookie or an Authorization header. */
export function tokenFromRequest(url: URL, headers: IncomingHttpHeaders, port: number): string | null {
  const fromQuery = url.searchParams.get(TOKEN_PARAM)
  if (fromQuery !== null) return fromQuery
  const authorization = headers.authorization
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length)
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name !== tokenCookieName(port)) continue
    try {
      return decodeURIComponent(value.join('='))
    } catch {
      return null // a malformed escape is no token
    }
  }
  return null
}

export function checkRequest(url: URL, headers: IncomingHttpHeaders, port: number, token: string): GuardVerdict {
  if (!isAllowedHost(headers.host, port)) {
    return {
      ok: false,
      status: 403,
      reason: `Host ${JSON.stringify(headers.host ?? '')} is not this panel's loopback address.`
    }
  }
  if (!isAllowedOrigin(headers.origin, port)) {
    return { ok: false, status: 403, reason: `Origin ${JSON.stringify(headers.origin)} may not use this panel.` }
  }
  if (!tokensEqual(token, tokenFromRequest(url, headers, port))) {
    return {
      ok: false,
      status: 401,
      reason: 'Missing or wrong token: open the URL the panel printed (it ends in ?token=…).'
    }
  }
  return { ok: true }
}
