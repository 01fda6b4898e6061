/**
 * What a reply (or a missing one) does to a ledger item: pure decisions, no I/O.
 * Transient failures are retried with exponential backoff and jitter until the item's
 * attempt limit; permanent ones fail at once with their kind.
 */
import { ListingSchema } from '../../shared/listing'
import type { Listing } from '../../shared/listing'
import { CRAWL_CANCELLED, CRAWL_PAUSED } from './crawl-control'
import type { DecodedReply } from '../rpc/wire'
import type { ItemDoc } from './ledger-docs'
import { DEFAULT_SOURCE_NAME, sourceListingKey } from '../../shared/source'

/** Worth another attempt: the source, the broker or a replica may do better next time. */
export const TRANSIENT_KINDS = new Set(['SourceUnavailable', 'SourceTimeout', 'ConnectionReset', 'BrokerUnavailable', 'RpcTimeout', 'ReplicaLost', 'ScrapeFailed', 'SourcePaused',
  // A crawl dispatches only sources the registry holds (crawl-sources.ts): a scraper that knows
  // none by that name has not heard the announcement yet (crawl-control.ts), or was paused since.
  'UnknownSource'
])
/** Another attempt cannot help. Kinds in neither set count as transient (maxAttempts bounds them). */
export const PERMANENT_KINDS = new Set([
  'ListingNotFound',
  'NotAJobListing',
  'UnreadablePosting',
  'InvalidListingId',
  'PageTooLarge',
  'PageTooComplex',
  'MalformedListing',
  'MethodNotFound',
  'IncorrectSignature',
  'MalformedRequest',
  'ContentDisallowed',
  'UnserializableValueError',
  // The scraper's RPC server gave up on a request that kept killing or stalling replicas.
  'TooManyDeliveries',
  'PoisonMessage'
])

/** How long an item of a paused source waits before it is offered again (the scraper refuses it while paused). */
export const SOURCE_PAUSED_RECHECK_MS = 5000

export type ReplyOutcome =
  | { kind: 'done'; listing: Listing }
  | { kind: 'error'; errorKind: string; message: string }
  /** The crawl was paused when a scraper took it: back to queued, no attempt counted. */
  | { kind: 'paused' }
  | { kind: 'cancelled' }
  /** The item's source is paused: it waits, no attempt counted, and is offered again later. */
  | { kind: 'sourcePaused' }

export function outcomeOf(reply: DecodedReply): ReplyOutcome {
  if (reply.ok === 'malformed') return { kind: 'error', errorKind: 'MalformedListing', message: reply.message }
  if (reply.ok === false) {
    if (reply.error.exc_type === CRAWL_PAUSED) return { kind: 'paused' }
    if (reply.error.exc_type === CRAWL_CANCELLED) return { kind: 'cancelled' }
    if (reply.error.exc_type === 'SourcePaused') return { kind: 'sourcePaused' }
    return { kind: 'error', errorKind: reply.error.exc_type, message: reply.error.value || reply.error.exc_type }
  }
  const parsed = ListingSchema.safeParse(reply.result)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { kind: 'error', errorKind: 'MalformedListing', message: `Not a listing: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}` }
  }
  return { kind: 'done', listing: parsed.data }
}

export interface Backoff {
  baseMs: number
  maxMs: number
  /** 0..1 → a number in [0, 1); injectable for tests. */
  random?: () => number
}

/** base × 2^(attempt-1), capped, times a jitter of 0.5–1.5 so retries of one burst spread out. */
export function retryDelayMs(attempt: number, backoff: Backoff): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)))
  return Math.round(exponential * (0.5 + (backoff.random ?? Math.random)()))
}

export interface ReplyMeta {
  replica: string | null
  tookMs: number | null
}

/** The changes a reply makes to its (current, matching) item. */
export function applyOutcome(item: ItemDoc, outcome: ReplyOutcome, meta: ReplyMeta, now: Date, backoff: Backoff): Partial<ItemDoc> {
  const at = now.toISOString()
  switch (outcome.kind) {
    case 'done':
      return { state: 'done', errorKind: null, errorMessage: null, replica: meta.replica, tookMs: meta.tookMs, finishedAt: at, updatedAt: at, notBefore: null }
    case 'paused':
      return { state: 'queued', attempts: Math.max(0, item.attempts - 1), updatedAt: at, notBefore: null }
    case 'cancelled':
      return { state: 'cancelled', finishedAt: at, updatedAt: at }
    case 'sourcePaused':
      return { state: 'queued', attempts: Math.max(0, item.attempts - 1), updatedAt: at, notBefore: new Date(now.getTime() + SOURCE_PAUSED_RECHECK_MS).toISOString() }
    case 'error':
      return failure(item, outcome.errorKind, outcome.message, meta, now, backoff)
  }
}

/** A failed attempt: retried later if transient and attempts remain, else failed for good. */
export function failure(item: ItemDoc, errorKind: string, message: string, meta: ReplyMeta, now: Date, backoff: Backoff): Partial<ItemDoc> {
  const at = now.toISOString()
  const base = { errorKind, replica: meta.replica, tookMs: meta.tookMs, updatedAt: at }
  if (PERMANENT_KINDS.has(errorKind)) return { ...base, state: 'failed', errorMessage: message, finishedAt: at, notBefore: null }
  if (item.attempts >= item.attemptLimit) {
    return { ...base, state: 'failed', errorMessage: `${message} (gave up after ${item.attempts} attempts)`, finishedAt: at, notBefore: null }
  }
  return { ...base, state: 'queued', errorMessage: message, notBefore: new Date(now.getTime() + retryDelayMs(item.attempts, backoff)).toISOString() }
}

/**
 * Correlation id of one publish of an item: `crawl:id:dispatch`, or `crawl:source:id:dispatch`
 * for a source other than the default (sourceListingKey). Crawl ids, source names and listing
 * ids never hold ":".
 */
export function correlationId(crawlId: string, listingId: string, dispatch: number, source?: string): string {
  return `${crawlId}:${sourceListingKey(source, listingId)}:${dispatch}`
}

export function parseCorrelationId(value: unknown): { crawlId: string; listingId: string; source: string; dispatch: number } | null {
  if (typeof value !== 'string') return null
  const parts = value.split(':')
  if (parts.length !== 3 && parts.length !== 4) return null
  const crawlId = parts[0] ?? ''
  const dispatch = parts[parts.length - 1] ?? ''
  const listingId = parts[parts.length - 2] ?? ''
  const source = parts.length === 4 ? (parts[1] ?? '') : DEFAULT_SOURCE_NAME
  if (crawlId === '' || listingId === '' || source === '' || !/^\d{1,9}$/.test(dispatch)) return null
  return { crawlId, listingId, source, dispatch: Number(dispatch) }
}
