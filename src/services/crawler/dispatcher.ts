/**
 * Keeps the scraper queue full: up to `window` requests outstanding (items `scraping`)
 * across all running crawls. Each batch is first marked `scraping`, `published: false` in
 * the ledger (guarded, so an item changed meanwhile is left alone), then published with
 * confirms, then marked `published`; a batch the broker did not take goes back to `queued`.
 * A coordinator killed between the first write and the confirm leaves items `scraping` but
 * unpublished: they are published again (same dispatch, so one reply counts) once they are
 * older than UNPUBLISHED_GRACE_MS, or at once by the next coordinator's first pass.
 * Items dispatched but unanswered past the stale deadline (a replica died on them, or the
 * page stalls it) count as a failed attempt.
 */
import type { estypes } from '@elastic/elasticsearch'
import type { Logger } from '../log'
import type { CrawlerLink } from './crawler-link'
import { correlationId, failure } from './item-outcome'
import { itemSource } from './ledger-docs'
import type { Backoff } from './item-outcome'
import { crawlItemsQuery } from './item-store'
import type { ItemStore, ItemUpdate } from './item-store'
import type { StoredItem } from './ledger-docs'

/** How long an unconfirmed dispatch may be on its way before it is published again. */
export const UNPUBLISHED_GRACE_MS = 30_000

export interface DispatcherOptions {
  items: ItemStore
  link: CrawlerLink
  logger: Logger
  backoff: Backoff
  /** Requests outstanding at most, across crawls. */
  window: number
  /** A request unanswered this long after its dispatch is tried again. */
  staleMs: number
  /** Items per bulk write and publish. */
  batchSize?: number
}

export class Dispatcher {
  /** Requests published since start (tests, logs). */
  published = 0

  constructor(private readonly options: DispatcherOptions) {}

  /** Publishes what the window allows for these running crawls; returns how many. */
  async dispatch(runningCrawlIds: string[]): Promise<number> {
    if (runningCrawlIds.length === 0 || !this.options.link.connected) return 0
    const batchSize = this.options.batchSize ?? 500
    // One refresh per tick makes the counts and searches below see every earlier write.
    await this.options.items.refresh()
    let free = this.options.window - (await this.outstanding())
    let sent = 0
    let after: estypes.SortResults | undefined
    while (free > 0) {
      const now = new Date()
      const query = crawlItemsQuery(runningCrawlIds, 'queued')
      query.bool!.filter = [
        ...(query.bool!.filter as object[]),
        { bool: { should: [{ bool: { must_not: { exists: { field: 'notBefore' } } } }, { range: { notBefore: { lte: now.getTime(), format: 'epoch_millis' } } }] } }
      ]
      const requested = Math.min(free, batchSize)
      const candidates = await this.options.items.search(query, requested, after)
      if (candidates.length === 0) break
      const last = candidates[candidates.length - 1]!
      after = [last.doc.seq, last.doc.crawlId]
      const at = now.toISOString()
      const marked = await this.options.items.updateMany(
        candidates.map((item) => ({
          item,
          changes: { state: 'scraping', attempts: item.doc.attempts + 1, dispatch: item.doc.dispatch + 1, dispatchedAt: at, published: false, notBefore: null, updatedAt: at }
        }))
      )
      if (marked.updated.length > 0) await this.publish(marked.updated)
      sent += marked.updated.length
      free -= marked.updated.length
      if (candidates.length < requested) break
    }
    this.published += sent
    return sent
  }

  /** Items unanswered past the stale deadline: a failed attempt each (RpcTimeout). */
  async expireStale(): Promise<number> {
    const before = Date.now() - this.options.staleMs
    const stale = await this.options.items.search(
      { bool: { filter: [{ term: { state: 'scraping' } }, { range: { dispatchedAt: { lt: before, format: 'epoch_millis' } } }] } },
      500
    )
    if (stale.length === 0) return 0
    const now = new Date()
    const seconds = Math.round(this.options.staleMs / 1000)
    const updates: ItemUpdate[] = stale.map((item) => ({
      item,
      changes: failure(item.doc, 'RpcTimeout', `No reply within ${seconds} s of dispatch: a replica may have died on this page or it stalls the parser`, { replica: null, tookMs: null }, now, this.options.backoff)
    }))
    const result = await this.options.items.updateMany(updates)
    if (result.updated.length > 0) this.options.logger.warn('Retrying or failing unanswered scrape requests', { count: result.updated.length, staleMs: this.options.staleMs })
    return result.updated.length
  }

  private async outstanding(): Promise<number> {
    return this.options.items.count({ term: { state: 'scraping' } })
  }

  /**
   * Publishes items marked `scraping` whose publish was never confirmed (the coordinator died
   * in between), older than `graceMs`: 0 on a new coordinator's first pass, when none of
   * them can still be on its way.
   */
  async republishUnconfirmed(graceMs = UNPUBLISHED_GRACE_MS): Promise<number> {
    if (!this.options.link.connected) return 0
    // Our own dispatches of this tick were marked published after the dispatcher's refresh.
    await this.options.items.refresh()
    const before = Date.now() - graceMs
    const items = await this.options.items.search(
      { bool: { filter: [{ term: { state: 'scraping' } }, { term: { published: false } }, { range: { dispatchedAt: { lte: before, format: 'epoch_millis' } } }] } },
      this.options.batchSize ?? 500
    )
    if (items.length === 0) return 0
    this.options.logger.warn('Publishing again scrape requests whose publish was not confirmed', { count: items.length })
    await this.publish(items)
    return items.length
  }

  private async publish(items: StoredItem[]): Promise<void> {
    try {
      await this.options.link.publish(
        items.map(({ doc }) => ({
          crawlId: doc.crawlId,
          listingId: doc.listingId,
          source: itemSource(doc),
          correlationId: correlationId(doc.crawlId, doc.listingId, doc.dispatch, doc.source)
        }))
      )
    } catch (err) {
      // Not taken by the broker (or not known to be): back to queued, the attempt not counted.
      // A request that did reach the queue answers a dispatch the item no longer has: ignored.
      this.options.logger.warn('Scrape requests not confirmed by the broker; requeued', { count: items.length, error: (err as Error).message })
      const at = new Date().toISOString()
      await this.options.items.updateMany(items.map((item) => ({ item, changes: { state: 'queued', attempts: Math.max(0, item.doc.attempts - 1), updatedAt: at } })))
      return
    }
    // A conflict here means a reply already settled the item: nothing left to mark.
    await this.options.items.updateMany(items.map((item) => ({ item, changes: { published: true } })))
  }
}
