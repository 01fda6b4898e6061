/**
 * Applies scrape replies to the ledger in batches: takes the items as this coordinator last
 * wrote them or reads them (realtime; item-store.ts), decides each
 * (item-outcome.ts), stores done listings in the listings cache, writes the items with one
 * guarded bulk request, and only then acks the replies. A reply for an item that has moved
 * on (a later dispatch, a cancel) is acked and ignored; a write that lost a race or failed
 * is decided again at the next flush, so nothing is acked before its result is stored.
 */
import { toDocument } from '../listings/listing-document'
import type { ListingDocument } from '../listings/listing-document'
import type { ListingRepository } from '../listings/listing-repository'
import { REPLICA_HEADER, TOOK_MS_HEADER } from './crawl-control'
import { decodeReply } from '../rpc/wire'
import type { Logger } from '../log'
import type { DeliveredReply } from './crawler-link'
import { fetchReportOf } from '../scraper/fetch-report'
import type { ReplyObservation } from './http-stats'
import { applyOutcome, outcomeOf, parseCorrelationId } from './item-outcome'
import type { Backoff, ReplyMeta, ReplyOutcome } from './item-outcome'
import type { ItemStore, ItemUpdate } from './item-store'
import type { ItemDoc, StoredItem } from './ledger-docs'
import type { ScrapeErrorKind } from '../../shared/scrape-errors'
import { busyAnswerOf } from '../politeness/refusal'
import type { HostAnswer } from '../politeness/host-answers'
import { itemDocId } from './ledger-indices'
import type { ChangeRecorder, FinishedItem } from './changes/change-recorder'
import type { Observation } from './changes/change-rules'
import { VALIDATORS_HEADER, decodeValidators } from '../scraper/page-validators'

export interface ReplyApplierOptions {
  items: ItemStore
  /** Decides what each finished item did since the last crawl, and keeps the registry; none: no change report. */
  changes?: ChangeRecorder
  listings: ListingRepository
  backoff: Backoff
  logger: Logger
  /** Flush when this many replies wait… */
  batchSize?: number
  /** …or this long after the first one arrived. */
  flushMs?: number
  /** Told after each flush that changed items (the coordinator checks for finished crawls). */
  onApplied?: (crawlIds: Set<string>) => void
  /**
   * Told, per host, of the answers it gave in a flush (pages served, 429s, 503s, in order), before
   * any of their items is written: answers for each whether it was the host's refusal, whose
   * item then waits for the host with no attempt lost (politeness/host-answers.ts).
   */
  onHostAnswers?: (host: string, answers: HostAnswer[]) => Promise<boolean[]>
  /** Told once of each reply of a crawl item still in the ledger, whatever its dispatch (HTTP statistics, metrics). */
  onObserved?: (observation: ReplyObservation, meta: { tookMs: number | null }) => void
  /** Told of each item the ledger now holds as done or failed. */
  onFinished?: (state: 'done' | 'failed') => void
}

interface Pending {
  reply: DeliveredReply
  key: { crawlId: string; listingId: string; source: string; dispatch: number }
  /**
   * Whether its answer was the host's refusal, once the host's clock has counted it: a reply
   * whose item write must be retried is not counted again.
   */
  hostRefused?: boolean
  /** Told to onObserved already: a reply re-applied after a lost race is not counted twice. */
  observed?: boolean
}

export class ReplyApplier {
  private buffer: Pending[] = []
  private timer: NodeJS.Timeout | null = null
  private flushing: Promise<void> | null = null
  private closed = false
  /** Replies applied (acked with a ledger change) since start; for tests and logs. */
  applied = 0

  constructor(private readonly options: ReplyApplierOptions) {}

  take(reply: DeliveredReply): void {
    const key = parseCorrelationId(reply.msg.properties.correlationId)
    if (key === null) {
      this.options.logger.warn('Dropping a reply that is not a crawl reply', {
        correlationId: String(reply.msg.properties.correlationId)
      })
      reply.ack()
      return
    }
    this.buffer.push({ reply, key })
    this.schedule(this.buffer.length >= (this.options.batchSize ?? 500) ? 0 : (this.options.flushMs ?? 200))
  }

  /** Stops flushing; replies not yet applied stay unacked and come back from the broker. */
  async close(): Promise<void> {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    await this.flushing
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.flushing !== null) return
    if (this.timer !== null && delayMs > 0) return
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      this.flushing = this.flush()
        .catch((err: unknown) => {
          this.options.logger.warn('Could not apply replies to the ledger; retrying', {
            error: err instanceof Error ? err.message : String(err)
          })
          return new Promise<void>((resolve) => setTimeout(resolve, 1000))
        })
        .finally(() => {
          this.flushing = null
          if (this.buffer.length > 0) this.schedule(0)
        })
    }, delayMs)
  }

  private async flush(): Promise<void> {
    const batch = this.buffer.splice(0, this.options.batchSize ?? 500)
    if (batch.length === 0) return
    try {
      await this.apply(batch)
    } catch (err) {
      this.buffer.unshift(...batch)
      throw err
    }
  }

  /** One line per item a reply moved on: which crawl and listing, the replica that answered, and what came of it. */
  private logOutcome(
    update: ItemUpdate,
    outcome: { kind: string; errorKind?: string; message?: string; replica: string | null; tookMs: number | null }
  ): void {
    const doc = update.item.doc
    const state = update.changes.state ?? doc.state
    const fields = {
      crawlId: doc.crawlId,
      listingId: doc.listingId,
      source: doc.source,
      host: doc.host ?? undefined,
      scrapedBy: outcome.replica ?? undefined,
      attempt: update.changes.attempts ?? doc.attempts,
      state,
      outcome: outcome.kind,
      kind: outcome.errorKind,
      error: outcome.message,
      tookMs: outcome.tookMs ?? undefined
    }
    if (state === 'failed') this.options.logger.warn('item failed', fields)
    else if (outcome.kind === 'error') this.options.logger.info('item attempt failed; retrying later', fields)
    else this.options.logger.info(state === 'done' ? 'item done' : `item ${state}`, fields)
  }

  private async apply(batch: Pending[]): Promise<void> {
    // Items this coordinator dispatched are known as it wrote them: no read unless stale.
    const stored = await this.options.items.getManyKnown(
      batch.map((p) => p.key),
      (item, i) => item.doc.state === 'scraping' && item.doc.dispatch === batch[i]!.key.dispatch
    )
    const now = new Date()
    const updates: ItemUpdate[] = []
    const acks: Pending[][] = []
    const outcomes: {
      kind: string
      errorKind?: string
      message?: string
      replica: string | null
      tookMs: number | null
    }[] = []
    const listings: ListingDocument[] = []
    const seen = new Map<string, number>()
    const decided: { pending: Pending; item: StoredItem; outcome: ReplyOutcome; meta: ReplyMeta }[] = []
    const hostAnswers = new Map<string, { answer: HostAnswer; at: number }[]>()
    for (const pending of batch) {
      const id = itemDocId(pending.key.crawlId, pending.key.listingId, pending.key.source)
      const item = stored.get(id)
      const headers = (pending.reply.msg.properties.headers ?? {}) as Record<string, unknown>
      const decoded = decodeReply(pending.reply.msg.content)
      if (item !== undefined && pending.observed !== true) {
        pending.observed = true
        this.options.onObserved?.(
          {
            crawlId: pending.key.crawlId,
            host: item.doc.host ?? null,
            fetch: fetchReportOf(headers),
            errorKind: decoded.ok === false ? decoded.error.exc_type : null
          },
          { tookMs: tookMsOf(headers[TOOK_MS_HEADER]) }
        )
      }
      if (item === undefined || item.doc.state !== 'scraping' || item.doc.dispatch !== pending.key.dispatch) {
        pending.reply.ack() // Its crawl was deleted or cancelled, or a later attempt owns the item.
        continue
      }
      const already = seen.get(id)
      if (already !== undefined) {
        acks[already]!.push(pending) // The same reply delivered twice: settled with the first.
        continue
      }
      const replica = typeof headers[REPLICA_HEADER] === 'string' ? headers[REPLICA_HEADER] : null
      const tookMs = tookMsOf(headers[TOOK_MS_HEADER])
      const outcome = outcomeOf(decoded)
      const answer = hostAnswerOf(outcome, tookMs)
      if (answer !== null && item.doc.host != null && pending.hostRefused === undefined)
        hostAnswers.set(item.doc.host, [...(hostAnswers.get(item.doc.host) ?? []), { answer, at: decided.length }])
      seen.set(id, decided.length)
      decided.push({ pending, item, outcome, meta: { replica, tookMs } })
      acks.push([pending])
      outcomes.push({
        kind: outcome.kind,
        ...(outcome.kind === 'error' ? { errorKind: outcome.errorKind, message: outcome.message } : {}),
        replica,
        tookMs
      })
    }
    // The hosts' clocks first: a host is paused before its items are requeued, so no tick re-slots them early.
    for (const [host, answers] of hostAnswers) {
      const refused =
        (await this.options.onHostAnswers?.(
          host,
          answers.map((a) => a.answer)
        )) ?? answers.map((a) => a.answer.kind === 'refused')
      answers.forEach((a, i) => (decided[a.at]!.pending.hostRefused = refused[i] === true))
    }
    const finished: FinishedItem[] = []
    for (const { pending, item, outcome, meta } of decided) {
      // A 503 judged the host's refusal waits for the host like a 429: no attempt counted.
      const applied: ReplyOutcome =
        pending.hostRefused === true && outcome.kind === 'error'
          ? { kind: 'refused', retryAfterMs: null, message: outcome.message }
          : outcome
      if (applied.kind === 'done') listings.push(toDocument(applied.listing, now))
      const changes = applyOutcome(item.doc, applied, meta, now, this.options.backoff)
      updates.push({ item, changes })
      const observation = observationOf(applied, changes, pending.reply.msg.properties.headers ?? {})
      if (observation !== null) finished.push({ item, changes, observation })
    }
    await this.options.changes?.record(finished, now)
    if (listings.length > 0) {
      const outcome = await this.options.listings.putMany(listings)
      if (outcome.failed.length > 0)
        throw new Error(`The listings cache did not take ${outcome.failed.length} listings`)
      for (const { doc, reason } of outcome.rejected)
        this.options.logger.warn('The listings cache refused a listing', { id: doc.ID, reason })
    }
    const result = await this.options.items.updateMany(updates)
    const retry = new Set([...result.conflicts, ...result.failed.map((f) => f.item)])
    const crawlIds = new Set<string>()
    updates.forEach((update, i) => {
      const group = acks[i] ?? []
      if (retry.has(update.item)) this.buffer.push(...group)
      else {
        for (const pending of group) pending.reply.ack()
        this.applied += 1
        crawlIds.add(update.item.doc.crawlId)
        this.logOutcome(update, outcomes[i]!)
        const state = update.changes.state
        if (state === 'done' || state === 'failed') this.options.onFinished?.(state)
      }
    })
    if (crawlIds.size > 0) this.options.onApplied?.(crawlIds)
  }
}

/** The handler time a replica put on its reply: a string header (see rpc/server.ts), or a number from older replicas. */
function tookMsOf(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null
}

/** What a reply that finished its item saw of the listing; null when the item goes on (a retry, a wait). */
function observationOf(
  outcome: ReplyOutcome,
  changes: Partial<ItemDoc>,
  headers: Record<string, unknown>
): Observation | null {
  if (outcome.kind === 'done')
    return { kind: 'page', listing: outcome.listing, validators: decodeValidators(headers[VALIDATORS_HEADER]) }
  if (outcome.kind === 'not-modified') return { kind: 'not-modified' }
  if (changes.state !== 'failed') return null
  const reason = changes.errorMessage ?? changes.errorKind ?? 'failed'
  return changes.errorKind === LISTING_NOT_FOUND ? { kind: 'not-found', reason } : { kind: 'failed', reason }
}

const LISTING_NOT_FOUND: ScrapeErrorKind = 'ListingNotFound'

/** What an outcome tells of its host: a page served, a 429, a 503; null for anything else. */
function hostAnswerOf(outcome: ReplyOutcome, tookMs: number | null): HostAnswer | null {
  if (outcome.kind === 'done' || outcome.kind === 'not-modified') return { kind: 'served', latencyMs: tookMs }
  if (outcome.kind === 'refused')
    return { kind: 'refused', retryAfterMs: outcome.retryAfterMs, message: outcome.message }
  if (outcome.kind !== 'error') return null
  const busy = busyAnswerOf(outcome.errorKind, outcome.message)
  return busy === null ? null : { kind: 'busy', retryAfterMs: busy.retryAfterMs, message: outcome.message }
}
