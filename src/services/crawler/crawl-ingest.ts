/**
 * Reads a crawl's ids into the ledger in bulk batches, never holding more than one batch:
 * each id of a source becomes an item whose _id is itemDocId (crawl, source, id) written with
 * op type `create`, so an id of a source seen twice is one item and the bulk's conflict answers count the
 * duplicates. Ids already in the listings cache are `skipped` unless the crawl refreshes.
 * Progress (ids read) is saved after every batch, so an ingest cut short by a restart
 * resumes where it was.
 */
import type { Client } from '@elastic/elasticsearch'
import type { InvalidLine } from '../../shared/crawl'
import type { CrawlStore } from './crawl-store'
import type { ItemStore } from './item-store'
import { newItem } from './ledger-docs'
import { sourceListingKey } from '../../shared/source'
import type { CrawlDoc, ItemDoc } from './ledger-docs'

export type SourceEntry =
  | { kind: 'id'; id: string; source: string }
  | { kind: 'invalid'; line: number; text: string; reason: string }
  | { kind: 'duplicate'; line: number; text: string }

export const INGEST_BATCH = 1000
/** Invalid lines reported back in full; the rest are counted. */
export const MAX_REPORTED_INVALID = 100

export interface IngestContext {
  crawls: CrawlStore
  items: ItemStore
  /** The listings cache, to skip ids already cached. */
  es: Client
  listingsIndex: string
  signal?: AbortSignal
}

export interface IngestResult {
  invalidLines: InvalidLine[]
  invalidCount: number
  duplicateCount: number
}

export async function ingest(crawl: CrawlDoc, entries: AsyncIterable<SourceEntry> | Iterable<SourceEntry>, ctx: IngestContext): Promise<IngestResult> {
  const result: IngestResult = { invalidLines: [], invalidCount: crawl.invalidCount, duplicateCount: crawl.duplicateCount }
  // Ids before this were ingested by an earlier run (before a restart).
  const skip = crawl.sourceRead
  let read = 0
  let batch: { id: string; source: string }[] = []
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return
    const ids = batch
    batch = []
    const firstSeq = read - ids.length
    const cached = crawl.refresh ? new Set<string>() : await cachedIds(ctx, ids)
    const now = new Date().toISOString()
    const docs: ItemDoc[] = ids.map(({ id, source }, i) =>
      newItem(crawl.id, id, firstSeq + i, crawl.maxAttempts, cached.has(sourceListingKey(source, id)) ? 'skipped' : 'queued', now, source)
    )
    const { duplicates } = await ctx.items.createMany(docs)
    result.duplicateCount += duplicates
    await ctx.crawls.update(crawl.id, { sourceRead: read, duplicateCount: result.duplicateCount, invalidCount: result.invalidCount })
  }
  for await (const entry of entries) {
    ctx.signal?.throwIfAborted()
    if (entry.kind === 'invalid') {
      result.invalidCount += 1
      if (result.invalidLines.length < MAX_REPORTED_INVALID) result.invalidLines.push({ line: entry.line, text: entry.text, reason: entry.reason })
      continue
    }
    if (entry.kind === 'duplicate') {
      result.duplicateCount += 1
      continue
    }
    read += 1
    if (read <= skip) continue
    batch.push({ id: entry.id, source: entry.source })
    if (batch.length >= INGEST_BATCH) await flush()
  }
  await flush()
  return result
}

/** The listings-cache _ids (sourceListingKey) of the batch's ids already cached. */
async function cachedIds(ctx: IngestContext, ids: { id: string; source: string }[]): Promise<Set<string>> {
  const res = await ctx.es.mget({ index: ctx.listingsIndex, ids: ids.map(({ id, source }) => sourceListingKey(source, id)), _source: false }, { ignore: [404] })
  const found = new Set<string>()
  for (const doc of res.docs ?? []) if ('found' in doc && doc.found) found.add(doc._id)
  return found
}
