/**
 * What one fetch looked like at the site, sent back on the RPC reply in the header
 * `x-scrapedeck-fetch` (JSON): the host, the final status code (null when no answer came),
 * body bytes read, time from the first request to the last byte or the error, redirects
 * followed, and whether it ran out of time. The coordinator sums these per crawl and host
 * (crawler/http-stats.ts); Nameko callers ignore the header.
 */
import { z } from 'zod'
import { currentRequestContext } from '../rpc/request-context'

const FETCH_REPORT_HEADER = 'x-scrapedeck-fetch'

const FetchReportSchema = z.object({
  host: z.string().min(1).max(255),
  status: z.number().int().min(100).max(599).nullable(),
  bytes: z.number().int().nonnegative(),
  ms: z.number().nonnegative(),
  redirects: z.number().int().nonnegative().max(100),
  timedOut: z.boolean()
})
export type FetchReport = z.infer<typeof FetchReportSchema>

/** Filled in by fetchPage as the exchange goes; reported whether it ended in a page or an error. */
export interface FetchTrace {
  status: number | null
  bytes: number
  redirects: number
  timedOut: boolean
}

export function newFetchTrace(): FetchTrace {
  return { status: null, bytes: 0, redirects: 0, timedOut: false }
}

/** Puts the report on the reply of the request being served (nothing outside a request). */
export function reportFetch(host: string, trace: FetchTrace, ms: number): void {
  const context = currentRequestContext()
  if (context === null) return
  const report: FetchReport = { host, ...trace, ms: Math.round(ms) }
  context.replyHeaders[FETCH_REPORT_HEADER] = JSON.stringify(report)
}

/** The report on a reply, or null when it carries none (no fetch, an older replica, a Nameko peer) or a bad one. */
export function fetchReportOf(headers: Record<string, unknown>): FetchReport | null {
  const raw = headers[FETCH_REPORT_HEADER]
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw
  if (typeof text !== 'string') return null
  try {
    const parsed = FetchReportSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
