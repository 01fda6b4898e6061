/**
 * The crawl-items index: bulk creates at ingest, reads for dispatch and replies, and guarded
 * bulk writes. Every write carries the seq_no/primary_term it was decided on, so two
 * writers (replies, dispatch, an action) can never overwrite each other's decision: the
 * loser gets a conflict and decides again from the fresh document.
 *
 * A write is the whole document (a bulk `index`), never a partial `update`: the writer holds
 * the document it decided on, and Elasticsearch's update is a realtime get, a merge and an
 * index, so it would read every item once more per write. The versions this store wrote of
 * items now `scraping` are remembered (a bounded map), so a reply to one is decided without
 * reading it again: a remembered version that is stale fails its write with a conflict, and
 * the item is then read afresh.
 */
import type { Client, estypes } from '@elastic/elasticsearch'
import type { CrawlItemState } from '../../shared/crawl'
import type { ItemDoc, StoredItem } from './ledger-docs'
import { itemDocId } from './ledger-indices'

export interface ItemUpdate {
  item: StoredItem
  changes: Partial<ItemDoc>
}

export interface UpdateOutcome {
  updated: StoredItem[]
  /** Changed by someone else since it was read. */
  conflicts: StoredItem[]
  /** Elasticsearch failed (or refused) these; worth deciding again later. */
  failed: { item: StoredItem; reason: string }[]
}

/** Remembered versions at most: well above any window of requests outstanding. */
const MAX_KNOWN = 50_000

export class ItemStore {
  /** The last version this store wrote of items in flight, by itemDocId (insertion order = age). */
  private readonly known = new Map<string, StoredItem>()

  constructor(
    private readonly client: Client,
    readonly index: string
  ) {}

  /** Creates items; an existing _id is a duplicate (counted, not written). */
  async createMany(items: ItemDoc[]): Promise<{ created: number; duplicates: number }> {
    if (items.length === 0) return { created: 0, duplicates: 0 }
    const operations = items.flatMap((item) => [
      { create: { _index: this.index, _id: itemDocId(item.crawlId, item.listingId, item.source) } },
      item
    ])
    const res = await this.client.bulk({ operations })
    let created = 0
    let duplicates = 0
    for (const entry of res.items) {
      const result = entry.create
      if (result === undefined) continue
      if (result.error === undefined) created += 1
      else if (result.status === 409) duplicates += 1
      else throw new Error(`The ledger refused an item: ${result.error.type}: ${result.error.reason ?? ''}`)
    }
    return { created, duplicates }
  }

  /** Realtime reads by crawl, source and listing id (missing ones are left out), keyed by itemDocId. */
  async getMany(keys: { crawlId: string; listingId: string; source?: string }[]): Promise<Map<string, StoredItem>> {
    const found = new Map<string, StoredItem>()
    if (keys.length === 0) return found
    const res = await this.client.mget<ItemDoc>({
      index: this.index,
      ids: keys.map((k) => itemDocId(k.crawlId, k.listingId, k.source))
    })
    for (const doc of res.docs) {
      if (!('found' in doc) || !doc.found || doc._source === undefined) continue
      found.set(doc._id, { doc: doc._source, seqNo: doc._seq_no ?? 0, primaryTerm: doc._primary_term ?? 0 })
    }
    return found
  }

  /**
   * Like getMany, but an item whose remembered version passes `current` is taken from memory;
   * the others are read (realtime). A remembered version that does not pass is read too, so
   * nothing is decided as moved on from memory alone.
   */
  async getManyKnown(
    keys: { crawlId: string; listingId: string; source?: string }[],
    current: (item: StoredItem, index: number) => boolean
  ): Promise<Map<string, StoredItem>> {
    const found = new Map<string, StoredItem>()
    const unknown: typeof keys = []
    keys.forEach((key, i) => {
      const id = itemDocId(key.crawlId, key.listingId, key.source)
      const item = this.known.get(id)
      if (item !== undefined && current(item, i)) found.set(id, item)
      else unknown.push(key)
    })
    for (const [id, item] of await this.getMany(unknown)) found.set(id, item)
    return found
  }

  /** Writes each item whole with its changes, guarded by the version it was decided on. */
  async updateMany(updates: ItemUpdate[], options: { waitForRefresh?: boolean } = {}): Promise<UpdateOutcome> {
    const outcome: UpdateOutcome = { updated: [], conflicts: [], failed: [] }
    if (updates.length === 0) return outcome
    const docs = updates.map(({ item, changes }) => withChanges(item.doc, changes))
    const operations = updates.flatMap(({ item }, i) => [
      {
        index: {
          _index: this.index,
          _id: itemDocId(item.doc.crawlId, item.doc.listingId, item.doc.source),
          if_seq_no: item.seqNo,
          if_primary_term: item.primaryTerm
        }
      },
      docs[i]!
    ])
    const res = await this.client.bulk({
      operations,
      ...(options.waitForRefresh ? { refresh: 'wait_for' as const } : {})
    })
    res.items.forEach((entry, i) => {
      const update = updates[i]
      const result = entry.index
      if (update === undefined || result === undefined) return
      const id = itemDocId(update.item.doc.crawlId, update.item.doc.listingId, update.item.doc.source)
      this.known.delete(id)
      if (result.error === undefined) {
        const written = { doc: docs[i]!, seqNo: result._seq_no ?? 0, primaryTerm: result._primary_term ?? 0 }
        outcome.updated.push(written)
        if (written.doc.state === 'scraping') this.remember(id, written)
      } else if (result.status === 409) outcome.conflicts.push(update.item)
      else outcome.failed.push({ item: update.item, reason: `${result.error.type}: ${result.error.reason ?? ''}` })
    })
    return outcome
  }

  private remember(id: string, item: StoredItem): void {
    this.known.set(id, item)
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!)
  }

  /** Items of the given crawls in one state, by seq (which interleaves crawls fairly). */
  async search(
    query: estypes.QueryDslQueryContainer,
    size: number,
    searchAfter?: estypes.SortResults
  ): Promise<StoredItem[]> {
    const res = await this.client.search<ItemDoc>({
      index: this.index,
      query,
      size,
      sort: [{ seq: 'asc' }, { crawlId: 'asc' }],
      seq_no_primary_term: true,
      ignore_unavailable: true,
      ...(searchAfter ? { search_after: searchAfter } : {})
    })
    return res.hits.hits.flatMap((hit) =>
      hit._source === undefined
        ? []
        : [{ doc: hit._source, seqNo: hit._seq_no ?? 0, primaryTerm: hit._primary_term ?? 0 }]
    )
  }

  /** `search` for many queries in one request (msearch), each answer in the order asked. */
  async searchEach(
    requests: { query: estypes.QueryDslQueryContainer; size: number; after?: estypes.SortResults }[]
  ): Promise<StoredItem[][]> {
    if (requests.length === 0) return []
    const res = await this.client.msearch<ItemDoc>({
      searches: requests.flatMap(({ query, size, after }) => [
        { index: this.index, ignore_unavailable: true },
        {
          query,
          size,
          sort: [{ seq: 'asc' }, { crawlId: 'asc' }],
          seq_no_primary_term: true,
          ...(after ? { search_after: after } : {})
        }
      ])
    })
    return res.responses.map((answer) => {
      if ('error' in answer)
        throw new Error(`Cannot read queued items: ${answer.error.type}: ${answer.error.reason ?? ''}`)
      return answer.hits.hits.flatMap((hit) =>
        hit._source === undefined
          ? []
          : [{ doc: hit._source, seqNo: hit._seq_no ?? 0, primaryTerm: hit._primary_term ?? 0 }]
      )
    })
  }

  /** Every item matching, in pages of `pageSize`; memory stays one page. */
  async *scan(query: estypes.QueryDslQueryContainer, pageSize = 500): AsyncGenerator<StoredItem[]> {
    let after: estypes.SortResults | undefined
    for (;;) {
      const page = await this.search(query, pageSize, after)
      if (page.length === 0) return
      yield page
      const last = page[page.length - 1]!
      after = [last.doc.seq, last.doc.crawlId]
      if (page.length < pageSize) return
    }
  }

  /** Which of these item ids exist: one `ids` search, as of the last refresh. */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set()
    const res = await this.client.search({
      index: this.index,
      size: ids.length,
      _source: false,
      ignore_unavailable: true,
      query: { ids: { values: [...ids] } }
    })
    return new Set(res.hits.hits.flatMap((hit) => (hit._id === undefined ? [] : [hit._id])))
  }

  async count(query: estypes.QueryDslQueryContainer): Promise<number> {
    const res = await this.client.count({ index: this.index, query, ignore_unavailable: true })
    return res.count
  }

  /** How many items match, per value of a keyword field (`missing` counts the items without it). */
  async countBy(query: estypes.QueryDslQueryContainer, field: string, missing?: string): Promise<Map<string, number>> {
    const res = await this.client.search({
      index: this.index,
      query,
      size: 0,
      ignore_unavailable: true,
      aggs: { by: { terms: { field, size: 10_000, ...(missing === undefined ? {} : { missing }) } } }
    })
    const buckets = (res.aggregations?.by as estypes.AggregationsStringTermsAggregate | undefined)?.buckets
    return new Map((Array.isArray(buckets) ? buckets : []).map((b) => [String(b.key), b.doc_count]))
  }

  async deleteMany(items: ItemDoc[]): Promise<void> {
    if (items.length === 0) return
    await this.client.bulk({
      operations: items.map((item) => ({
        delete: { _index: this.index, _id: itemDocId(item.crawlId, item.listingId, item.source) }
      }))
    })
  }

  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: this.index })
  }
}

/** The document with its changes; a change to `undefined` leaves the field as it was (as a partial update would). */
function withChanges(doc: ItemDoc, changes: Partial<ItemDoc>): ItemDoc {
  const merged: Record<string, unknown> = { ...doc }
  for (const [field, value] of Object.entries(changes)) if (value !== undefined) merged[field] = value
  return merged as unknown as ItemDoc
}

export function crawlItemsQuery(
  crawlIds: string | string[],
  states?: CrawlItemState | CrawlItemState[]
): estypes.QueryDslQueryContainer {
  const filter: estypes.QueryDslQueryContainer[] = [
    { terms: { crawlId: Array.isArray(crawlIds) ? crawlIds : [crawlIds] } }
  ]
  if (states !== undefined) filter.push({ terms: { state: Array.isArray(states) ? states : [states] } })
  return { bool: { filter } }
}
