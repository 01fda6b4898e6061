/**
 * One fetch of a host's robots.txt, with our User-Agent, a deadline, at most 5 redirects
 * (RFC 9309) on the same origin only (following one elsewhere would let a site steer the
 * coordinator to any host, internal ones included), and at most ROBOTS_MAX_BYTES read.
 */
import { parseRetryAfter } from './refusal'
import { ROBOTS_MAX_BYTES } from './robots-rules'
import type { RobotsAnswer } from './robots-rules'

const MAX_REDIRECTS = 5
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

export async function fetchRobotsTxt(url: string, userAgent: string, signal: AbortSignal): Promise<RobotsAnswer> {
  const origin = new URL(url).origin
  let current = url
  try {
    for (let redirects = 0; ; redirects += 1) {
      const response = await fetch(current, {
        redirect: 'manual',
        signal,
        headers: { 'user-agent': userAgent, accept: 'text/plain,*/*;q=0.1' }
      })
      const location = response.headers.get('location')
      if (REDIRECT_STATUSES.has(response.status) && location !== null) {
        await response.body?.cancel()
        const next = new URL(location, current)
        if (next.origin !== origin) return { error: `it redirects to another origin, ${next.origin}` }
        if (redirects >= MAX_REDIRECTS) return { error: `more than ${MAX_REDIRECTS} redirects` }
        current = next.href
        continue
      }
      const ok = response.status >= 200 && response.status < 300
      const body = ok ? await readCapped(response) : (await response.body?.cancel(), '')
      return { status: response.status, body, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) }
    }
  } catch (err) {
    return { error: signal.aborted ? 'no answer in time' : describe(err) }
  }
}

async function readCapped(response: Response): Promise<string> {
  if (response.body === null) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body) {
    chunks.push(chunk)
    size += chunk.byteLength
    if (size >= ROBOTS_MAX_BYTES) break // the rest is ignored, as RFC 9309 allows
  }
  return Buffer.concat(chunks).subarray(0, ROBOTS_MAX_BYTES).toString('utf8')
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))
}
