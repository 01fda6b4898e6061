/**
 * A host telling us to slow down, as the scraper reports it and the coordinator reads it back.
 * A 429 (Too Many Requests) is always the host's refusal: SourceRefused. A 503 (Service
 * Unavailable) may be the host being busy or one page failing (the stack's own board answers
 * random 503s, with Retry-After: 1), so the scraper reports it as the page's SourceUnavailable,
 * marked as a 503 with the Retry-After it read, and the host's run of 503s decides
 * (host-answers.ts). The wait the host asked for (Retry-After, seconds or an HTTP date)
 * travels in the error's message, written and parsed here only.
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

/** The status that may mean the host is busy rather than the page broken. */
export const BUSY_STATUS = 503

/** Why a 503 failed the page, with the Retry-After it carried (read back by busyAnswerOf). */
export function busyReason(statusText: string, retryAfterMs: number | null): string {
  const retry = retryAfterMs === null ? '' : ` (retry after ${retryAfterMs} ms)`
  return `the source answered ${BUSY_STATUS} ${statusText}`.trimEnd() + retry
}

/** A SourceUnavailable reply that was a 503: the Retry-After it carried; null if it was not a 503. */
export function busyAnswerOf(errorKind: string, message: string): { retryAfterMs: number | null } | null {
  if (errorKind !== 'SourceUnavailable' || !message.includes(`the source answered ${BUSY_STATUS}`)) return null
  return { retryAfterMs: retryAfterOf(message) }
}

/** The wait a SourceRefused (or busy) message carries, or null. */
export function retryAfterOf(message: string): number | null {
  const match = /\(retry after (\d{1,12}) ms\)/.exec(message)
  return match === null ? null : Number(match[1])
}
