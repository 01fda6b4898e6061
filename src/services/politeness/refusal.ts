/**
 * A host telling us to slow down (429 Too Many Requests), as the scraper reports it and the
 * coordinator reads it back. A 503 stays a transient failure of the item (SourceUnavailable,
 * retried with its attempts counted) until hosts can be told apart from a board whose pages
 * fail at random. The wait the host asked for
 * (Retry-After, seconds or an HTTP date) travels in the error's message, written and parsed
 * here only.
 */
export const SOURCE_REFUSED = 'SourceRefused'
export const REFUSING_STATUSES = new Set([429])

export class SourceRefused extends Error {
  override readonly name = SOURCE_REFUSED
  constructor(
    readonly url: string,
    readonly status: number,
    readonly retryAfterMs: number | null
  ) {
    super(
      `${url} answered ${status}${retryAfterMs === null ? '' : ` (retry after ${retryAfterMs} ms)`}: the host asks us to slow down`
    )
  }
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; null if absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null
  const text = header.trim()
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at)) return null
  return Math.max(0, at - now)
}

/** The wait a SourceRefused message carries, or null. */
export function retryAfterOf(message: string): number | null {
  const match = /\(retry after (\d{1,12}) ms\)/.exec(message)
  return match === null ? null : Number(match[1])
}
