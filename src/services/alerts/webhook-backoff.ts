/** When a failed webhook delivery is tried again: doubling from 1 s, or what the receiver's Retry-After asks. */
import { MAX_DELIVERY_ATTEMPTS } from '../../shared/saved-search'

const FIRST_RETRY_MS = 1000
/** A Retry-After asking longer than this is cut to it: the delivery gives up rather than wait for hours. */
const MAX_RETRY_WAIT_MS = 60_000

/** The wait after failed attempt `attempt` (1-based); null when no attempt is left. */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, firstMs = FIRST_RETRY_MS): number | null {
  if (attempt >= MAX_DELIVERY_ATTEMPTS) return null
  const doubled = firstMs * 2 ** (attempt - 1)
  return Math.min(MAX_RETRY_WAIT_MS, retryAfterMs ?? doubled)
}

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: Date): number | null {
  if (header === null || header.trim() === '') return null
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at)) return null
  return Math.max(0, at - now.getTime())
}
