/**
 * The dispatcher's durable checkpoint of publishes on their way (`<prefix>-crawl-dispatches`):
 * one document per batch, written before the batch's items are marked `scraping` (each item
 * names its batch) and deleted once the broker confirmed the batch's publish (or the items
 * went back to `queued`). A batch document that outlives its coordinator is a batch whose
 * publish was never known to be confirmed: the next coordinator publishes its items again.
 * One write before and one delete after a batch of up to 500 items replace a `published`
 * write on every item.
 */
import { randomBytes } from 'node:crypto'
import type { Client } from '@elastic/elasticsearch'

export interface DispatchBatch {
  id: string
  /** When the batch was opened (epoch ms). */
  openedAt: number
}

/** Open batches read at most per pass: more would mean the broker has confirmed nothing for a long time. */
const MAX_OPEN_BATCHES = 100

export class DispatchBatches {
  constructor(
    private readonly client: Client,
    readonly index: string
  ) {}

  /** Records a batch as on its way; its id goes on every item of the batch. */
  async open(now = Date.now()): Promise<string> {
    const id = `${now.toString(36)}-${randomBytes(4).toString('hex')}`
    await this.client.index({ index: this.index, id, document: { openedAt: now }, op_type: 'create' })
    return id
  }

  /** The batch is settled: confirmed by the broker, or its items are back in the queue. */
  async close(id: string): Promise<void> {
    await this.client.delete({ index: this.index, id }, { ignore: [404] })
  }

  /** Batches opened at or before `before` (epoch ms) and not closed, oldest first. */
  async openBefore(before: number): Promise<DispatchBatch[]> {
    const res = await this.client.search<{ openedAt: number }>({
      index: this.index,
      size: MAX_OPEN_BATCHES,
      ignore_unavailable: true,
      query: { range: { openedAt: { lte: before } } },
      sort: [{ openedAt: 'asc' }]
    })
    const hits = res.hits.hits.flatMap((hit) =>
      hit._source === undefined || hit._id === undefined ? [] : [{ id: hit._id, openedAt: hit._source.openedAt }]
    )
    if (hits.length === 0) return []
    // A search sees the index as of its last refresh: a batch closed since may still show. Read them again (realtime).
    const current = await this.client.mget({ index: this.index, ids: hits.map((b) => b.id), _source: false })
    const open = new Set(current.docs.flatMap((doc) => ('found' in doc && doc.found ? [doc._id] : [])))
    return hits.filter((batch) => open.has(batch.id))
  }
}
