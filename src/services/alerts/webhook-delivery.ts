/**
 * Delivers one webhook: POSTs the JSON body signed with its owner's secret, tries again on a
 * failure with webhook-backoff.ts's waits, and records every attempt through `record` (the
 * delivery as it stands after each attempt), so a person sees a retry as it happens. Each step
 * is written to the outbox (webhook-outbox.ts) first, so a delivery cut short by a stop is
 * taken up by the next dispatcher at the attempt it had reached. Redirects are not followed: a
 * receiver that moved says so by failing, rather than the body (and its signature) going
 * somewhere nobody configured. The secret is never logged nor kept in the outbox.
 */
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { SIGNATURE_HEADER } from '../../shared/saved-search'
import type { Delivery, DeliveryAttempt } from '../../shared/saved-search'
import { parseRetryAfter, retryDelayMs } from './webhook-backoff'
import type { DeliveryTarget, HeldEntry, OutboxEntry, WebhookOutbox } from './webhook-outbox'
import { signBody } from './webhook-signature'

/** One attempt's budget, connection to answer. */
const DELIVERY_TIMEOUT_MS = 10_000
/**
 * How long past its next attempt's end a held delivery's lease runs: long enough that a
 * busy holder renews it in time, short enough that a dead holder's delivery is taken up soon.
 */
const LEASE_MARGIN_MS = 30_000

export interface WebhookBody {
  event: 'matches' | 'health'
  savedSearch: string | null
  watch: string | null
  crawlId: string | null
  listings: unknown[]
  [more: string]: unknown
}

/** Until when a dispatcher holds a delivery whose next attempt is due at `nextAttemptAt`. */
export function leaseUntil(nextAttemptAt: Date, now: Date, timeoutMs = DELIVERY_TIMEOUT_MS): string {
  return new Date(Math.max(now.getTime(), nextAttemptAt.getTime()) + timeoutMs + LEASE_MARGIN_MS).toISOString()
}

/** A new delivery's outbox entry: the body signed, nothing tried yet, due now, held by `holder`. */
export function newDelivery(args: {
  target: DeliveryTarget
  url: string
  secret: string
  body: WebhookBody
  holder: string
  now: Date
}): OutboxEntry {
  const raw = JSON.stringify(args.body)
  return {
    delivery: {
      id: `d-${randomBytes(6).toString('hex')}`,
      event: args.body.event,
      watch: args.body.watch,
      crawlId: args.body.crawlId,
      url: args.url,
      listings: args.body.listings.length,
      state: 'pending',
      attempts: [],
      createdAt: args.now.toISOString()
    },
    target: args.target,
    url: args.url,
    raw,
    signature: signBody(raw, args.secret),
    nextAttemptAt: args.now.toISOString(),
    leaseUntil: leaseUntil(args.now, args.now),
    holder: args.holder
  }
}

export interface RunDeliveryOptions {
  outbox: WebhookOutbox
  /** Called with the delivery after every attempt. */
  record: (delivery: Delivery) => Promise<void>
  /** Stops the delivery between attempts; its lease is then released for the next dispatcher. */
  signal?: AbortSignal
  firstRetryMs?: number
  timeoutMs?: number
  now?: () => Date
}

/**
 * Attempts a held delivery until it is delivered or out of attempts (its outbox entry then
 * goes), another dispatcher has taken it, or `signal` stops it (its entry is then released).
 * Answers the delivery as it stands.
 */
export async function runDelivery(start: HeldEntry, options: RunDeliveryOptions): Promise<Delivery> {
  const now = options.now ?? (() => new Date())
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS
  let held = start
  const release = async (): Promise<Delivery> => {
    await options.outbox.keep(held, { ...held.entry, leaseUntil: now().toISOString() })
    return held.entry.delivery
  }
  for (;;) {
    const { entry } = held
    const wait = Date.parse(entry.nextAttemptAt) - now().getTime()
    if (wait > 0) {
      try {
        await sleep(wait, undefined, options.signal ? { signal: options.signal } : {})
      } catch {
        return release()
      }
    }
    if (options.signal?.aborted) return release()
    const { result, retryAfterMs } = await attemptOnce(entry, options, timeoutMs, now)
    // An attempt cut short by the stop is not the receiver's failure: the next dispatcher makes it.
    if (result.error !== null && options.signal?.aborted) return release()
    const attempts = [...entry.delivery.attempts, result]
    const delivered = result.error === null
    const retryIn = delivered ? null : retryDelayMs(attempts.length, retryAfterMs, options.firstRetryMs)
    const delivery: Delivery = {
      ...entry.delivery,
      attempts,
      state: delivered ? 'delivered' : retryIn === null ? 'failed' : 'pending'
    }
    if (retryIn === null) {
      await options.record(delivery)
      await options.outbox.finish(held)
      return delivery
    }
    const next = new Date(now().getTime() + retryIn)
    const kept = await options.outbox.keep(held, {
      ...entry,
      delivery,
      nextAttemptAt: next.toISOString(),
      leaseUntil: leaseUntil(next, now(), timeoutMs)
    })
    await options.record(delivery)
    // Another dispatcher claimed it meanwhile (this one was too slow to renew): it goes on from there.
    if (kept === null) return delivery
    held = kept
  }
}

async function attemptOnce(
  entry: OutboxEntry,
  options: RunDeliveryOptions,
  timeoutMs: number,
  now: () => Date
): Promise<{ result: DeliveryAttempt; retryAfterMs: number | null }> {
  const at = now()
  const started = performance.now()
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  try {
    const res = await fetch(entry.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'scrapedeck-webhook',
        [SIGNATURE_HEADER]: entry.signature
      },
      body: entry.raw,
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
