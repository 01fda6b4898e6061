/**
 * Delivers one webhook: POSTs the JSON body signed with the saved search's secret, tries
 * again on a failure with webhook-backoff.ts's waits, and records every attempt through
 * `record` (the delivery as it stands after each attempt), so a person sees a retry as it
 * happens. Redirects are not followed: a receiver that moved says so by failing, rather
 * than the body (and its signature) going somewhere nobody configured. The secret is never
 * logged.
 */
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { SIGNATURE_HEADER } from '../../shared/saved-search'
import type { Delivery, DeliveryAttempt } from '../../shared/saved-search'
import { parseRetryAfter, retryDelayMs } from './webhook-backoff'
import { signBody } from './webhook-signature'

/** One attempt's budget, connection to answer. */
const DELIVERY_TIMEOUT_MS = 10_000

interface WebhookBody {
  event: 'matches' | 'health'
  savedSearch: string | null
  watch: string | null
  crawlId: string | null
  listings: unknown[]
  [more: string]: unknown
}

export interface DeliverOptions {
  url: string
  secret: string
  body: WebhookBody
  /** Called with the delivery after it is created and after every attempt. */
  record: (delivery: Delivery) => Promise<void>
  signal?: AbortSignal
  firstRetryMs?: number
  timeoutMs?: number
  now?: () => Date
}

export async function deliverWebhook(options: DeliverOptions): Promise<Delivery> {
  const now = options.now ?? (() => new Date())
  const raw = JSON.stringify(options.body)
  const signature = signBody(raw, options.secret)
  let delivery: Delivery = {
    id: `d-${randomBytes(6).toString('hex')}`,
    event: options.body.event,
    watch: options.body.watch,
    crawlId: options.body.crawlId,
    url: options.url,
    listings: options.body.listings.length,
    state: 'pending',
    attempts: [],
    createdAt: now().toISOString()
  }
  await options.record(delivery)
  for (let attempt = 1; ; attempt++) {
    const { result, retryAfterMs } = await attemptOnce(options, raw, signature, now)
    const delivered = result.error === null
    delivery = { ...delivery, attempts: [...delivery.attempts, result] }
    const wait = delivered ? null : retryDelayMs(attempt, retryAfterMs, options.firstRetryMs)
    delivery = { ...delivery, state: delivered ? 'delivered' : wait === null ? 'failed' : 'pending' }
    await options.record(delivery)
    if (wait === null || options.signal?.aborted) return delivery
    try {
      await sleep(wait, undefined, options.signal ? { signal: options.signal } : {})
    } catch {
      return delivery
    }
  }
}

async function attemptOnce(
  options: DeliverOptions,
  raw: string,
  signature: string,
  now: () => Date
): Promise<{ result: DeliveryAttempt; retryAfterMs: number | null }> {
  const at = now()
  const started = performance.now()
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DELIVERY_TIMEOUT_MS)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  try {
    const res = await fetch(options.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'scrapedeck-webhook',
        [SIGNATURE_HEADER]: signature
      },
      body: raw,
      redirect: 'manual',
      signal
    })
    await res.arrayBuffer().catch(() => undefined)
    const ms = Math.round(performance.now() - started)
    const ok = res.status >= 200 && res.status < 300
    return {
      result: {
        at: at.toISOString(),
        status: res.status,
        error: ok
          ? null
          : res.status >= 300 && res.status < 400
            ? `redirect ${res.status} not followed`
            : `HTTP ${res.status}`,
        ms
      },
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now())
    }
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
    return {
      result: {
        at: at.toISOString(),
        status: null,
        error: timeout.aborted ? 'timed out' : `${err instanceof Error ? err.message : String(err)}${cause}`,
        ms: Math.round(performance.now() - started)
      },
      retryAfterMs: null
    }
  }
}
