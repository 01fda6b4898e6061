/**
 * What a reply (or a missing one) does to a ledger item: pure decisions, no I/O.
 * Transient failures are retried with exponential backoff and jitter until the item's
 * attempt limit; permanent ones (isPermanent) fail at once with their kind.
 */
import { ERROR_RULES, isErrorKind } from '../../shared/error-kinds'
import { ListingSchema } from '../../shared/listing'
import type { Listing } from '../../shared/listing'
import type { ScrapeErrorKind } from '../../shared/scrape-errors'
import { FETCH_SLOT_MISSED } from '../politeness/fetch-slot'
import { SOURCE_REFUSED, retryAfterOf } from '../politeness/refusal'
import { CRAWL_CANCELLED, CRAWL_PAUSED } from './crawl-control'
import type { DecodedReply } from '../rpc/wire'
import type { ItemDoc } from './ledger-docs'
import { DEFAULT_SOURCE_NAME, sourceListingKey } from '../../shared/source'

/**
 * Exception types of Nameko and of the bus itself (not error kinds) that another attempt
 * cannot help: the request or the service is wrong, not the moment.
 */
const PERMANENT_WIRE_TYPES: ReadonlySet<string> = new Set([
  'MethodNotFound',
  'IncorrectSignature',
  'MalformedRequest',
  'ContentDisallowed',
  'UnserializableValueError',
  'PoisonMessage'
])

const LISTING_NOT_MODIFIED: ScrapeErrorKind = 'ListingNotModified'

/** How long an item of a paused source waits before it is offered again (the scraper refuses it while paused). */
const SOURCE_PAUSED_RECHECK_MS = 5000

/**
 * True when another attempt cannot help: an error kind the table calls not retryable (a page
 * that is not a listing, too large, unreadable; a request that kept killing replicas), or one
 * of Nameko's own. Anything else (a source down, a replica lost, an exception nobody named)
 * is tried again, up to the item's maxAttempts.
 */
export function isPermanent(errorKind: string): boolean {
  if (isErrorKind(errorKind)) return !ERROR_RULES[errorKind].retryable
  return PERMANENT_WIRE_TYPES.has(errorKind)
}

export type ReplyOutcome =
  | { kind: 'done'; listing: Listing }
  /** A conditional fetch answered 304: done, unchanged, nothing parsed. */
  | { kind: 'not-modified' }
  | { kind: 'error'; errorKind: string; message: string }
  /** The crawl was paused when a scraper took it: back to queued, no attempt counted. */
  | { kind: 'paused' }
  | { kind: 'cancelled' }
  /** The item's source is paused: it waits, no attempt counted, and is offered again later. */
  | { kind: 'sourcePaused' }
  /** Not fetched: the request reached the scraper outside its fetch slot. Re-slotted, no attempt counted. */
  | { kind: 'slot-missed' }
  /** The host answered 429/503: it is paused for every crawl; the item waits, no attempt counted. */
  | { kind: 'refused'; retryAfterMs: number | null; message: string }

export function outcomeOf(reply: DecodedReply): ReplyOutcome {
  if (reply.ok === 'malformed') return { kind: 'error', errorKind: 'MalformedListing', message: reply.message }
  if (reply.ok === false) {
    if (reply.error.exc_type === CRAWL_PAUSED) return { kind: 'paused' }
    if (reply.error.exc_type === CRAWL_CANCELLED) return { kind: 'cancelled' }
    if (reply.error.exc_type === 'SourcePaused') return { kind: 'sourcePaused' }
    if (reply.error.exc_type === FETCH_SLOT_MISSED) return { kind: 'slot-missed' }
    if (reply.error.exc_type === LISTING_NOT_MODIFIED) return { kind: 'not-modified' }
    if (reply.error.exc_type === SOURCE_REFUSED)
      return { kind: 'refused', retryAfterMs: retryAfterOf(reply.error.value), message: reply.error.value }
    return { kind: 'error', errorKind: reply.error.exc_type, message: reply.error.value || reply.error.exc_type }
  }
  const parsed = ListingSchema.safeParse(reply.result)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return {
      kind: 'error',
      errorKind: 'MalformedListing',
      message: `Not a listing: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`
    }
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
export function applyOutcome(
  item: ItemDoc,
  outcome: ReplyOutcome,
  meta: ReplyMeta,
  now: Date,
  backoff: Backoff
): Partial<ItemDoc> {
  const at = now.toISOString()
  switch (outcome.kind) {
    case 'done':
    case 'not-modified':
      return {
        state: 'done',
        errorKind: null,
        errorMessage: null,
        replica: meta.replica,
        tookMs: meta.tookMs,
        finishedAt: at,
        updatedAt: at,
        notBefore: null
      }
    case 'paused':
    case 'slot-missed':
    case 'refused':
      return { state: 'queued', attempts: Math.max(0, item.attempts - 1), updatedAt: at, notBefore: null }
    case 'cancelled':
      return { state: 'cancelled', finishedAt: at, updatedAt: at }
    case 'sourcePaused':
      return {
        state: 'queued',
        attempts: Math.max(0, item.attempts - 1),
        updatedAt: at,
        notBefore: new Date(now.getTime() + SOURCE_PAUSED_RECHECK_MS).toISOString()
      }
    case 'error':
      return failure(item, outcome.errorKind, outcome.message, meta, now, backoff)
  }
}

/** A failed attempt: retried later if transient and attempts remain, else failed for good. */
export function failure(
  item: ItemDoc,
  errorKind: string,
  message: string,
  meta: ReplyMeta,
  now: Date,
  backoff: Backoff
): Partial<ItemDoc> {
  const at = now.toISOString()
  const base = { errorKind, replica: meta.replica, tookMs: meta.tookMs, updatedAt: at }
  if (isPermanent(errorKind))
    return { ...base, state: 'failed', errorMessage: message, finishedAt: at, notBefore: null }
  if (item.attempts >= item.attemptLimit) {
    return {
      ...base,
      state: 'failed',
      errorMessage: `${message} (gave up after ${item.attempts} attempts)`,
      finishedAt: at,
      notBefore: null
    }
  }
  return {
    ...base,
    state: 'queued',
    errorMessage: message,
    notBefore: new Date(now.getTime() + retryDelayMs(item.attempts, backoff)).toISOString()
  }
}

/**
 * Correlation id of one publish of an item: `crawl:id:dispatch`, or `crawl:source:id:dispatch`
 * for a source other than the default (sourceListingKey). Crawl ids, source names and listing
 * ids never hold ":".
 */
export function correlationId(crawlId: string, listingId: string, dispatch: number, source?: string): string {
  return `${crawlId}:${sourceListingKey(source, listingId)}:${dispatch}`
}

export function parseCorrelationId(
  value: unknown
): { crawlId: string; listingId: string; source: string; dispatch: number } | null {
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
