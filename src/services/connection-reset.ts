/**
 * Telling a connection that died under a request (most often a kept-alive one the server
 * closed, its idle timer firing, just as the client reused it) from other network errors:
 * such a request never reached the server's handler, so an idempotent one is safe to send
 * again on a fresh connection. fetch only, no Node imports (the panel's renderer side uses
 * the crawl client too).
 */

const CONNECTION_RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])

/** undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`. */
export function networkErrorSource(err: unknown): unknown {
  const cause = (err as { cause?: unknown }).cause
  return cause instanceof Error ? cause : err
}

export function networkErrorCode(err: unknown): string | null {
  const code = (networkErrorSource(err) as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : null
}

/** True for the errors that mean the connection was reset or closed under the request. */
export function isConnectionReset(err: unknown): boolean {
  return CONNECTION_RESET_CODES.has(networkErrorCode(err) ?? '')
}
