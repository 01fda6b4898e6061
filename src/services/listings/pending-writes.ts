/**
 * Listings that could not be written to Elasticsearch yet, waiting to be retried. Keyed by
 * source and listing id, so the newest copy of a listing replaces an older one instead of taking a
 * second slot. Bounded: when full, the oldest entry is evicted and handed back so the
 * caller can log it — a loss that is counted and said, never a silent one.
 */
import { listingDocId } from './listing-document'
import type { ListingDocument } from './listing-document'

export class PendingWrites {
  /** Map iteration order is insertion order: the first key is the oldest. */
  private readonly entries = new Map<string, ListingDocument>()
  private evictedCount = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`Pending-writes capacity must be a positive integer, got ${capacity}`)
  }

  /** Queues a document; returns the document evicted to make room, if any. */
  add(doc: ListingDocument): ListingDocument | undefined {
    const existing = this.entries.get(listingDocId(doc))
    if (existing !== undefined && existing.cachedAt > doc.cachedAt) return undefined
    this.entries.delete(listingDocId(doc))
    let evicted: ListingDocument | undefined
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) {
        evicted = this.entries.get(oldest.value)
        this.entries.delete(oldest.value)
        this.evictedCount += 1
      }
    }
    this.entries.set(listingDocId(doc), doc)
    return evicted
  }

  /** Up to `max` documents, oldest first; they stay queued until `settle`d. */
  peek(max: number): ListingDocument[] {
    const batch: ListingDocument[] = []
    for (const doc of this.entries.values()) {
      if (batch.length >= max) break
      batch.push(doc)
    }
    return batch
  }

  /**
   * This copy (or a newer one) is now stored: drops the queued copy of its id unless the
   * queued one is newer still (queued while this one was being written).
   */
  settle(doc: ListingDocument): void {
    const current = this.entries.get(listingDocId(doc))
    if (current !== undefined && current.cachedAt <= doc.cachedAt) this.entries.delete(listingDocId(doc))
  }

  get size(): number {
    return this.entries.size
  }

  get evicted(): number {
    return this.evictedCount
  }
}
