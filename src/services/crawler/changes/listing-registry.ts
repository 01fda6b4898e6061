/**
 * The listing registry, `<prefix>-listing-registry`: one document per (source, listing id)
 * that outlives crawls (change-rules.ts's RegistryDoc), `_id` = `source:listingId`. Kept as
 * cheap as the ledger: read with one `ids` search per batch (never a get per listing) and
 * written with one bulk of whole documents per batch. Writes are not guarded: the last crawl
 * to see a listing is its truth.
 */
import { deleteOwnedIndex, ensureOwnedIndex } from '../../listings/owned-index'
import type { Client, estypes } from '@elastic/elasticsearch'
import type { RegistryDoc } from './change-rules'

const STORED_ONLY = { index: false, doc_values: false } as const

const REGISTRY_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    source: { type: 'keyword' },
    listingId: { type: 'keyword' },
    firstSeenAt: { type: 'date' },
    lastSeenAt: { type: 'date' },
    lastChangedAt: { type: 'date' },
    lastFetchedAt: { type: 'date' },
    hash: { type: 'keyword', ...STORED_ONLY },
    /** The normalised fields, to tell which changed: read whole, never searched. */
    fields: { type: 'object', enabled: false },
    etag: { type: 'keyword', ...STORED_ONLY },
    lastModified: { type: 'keyword', ...STORED_ONLY },
    lastmod: { type: 'keyword', ...STORED_ONLY },
    gone: { type: 'boolean' },
    goneAt: { type: 'date' },
    lastCrawl: { type: 'keyword' },
    lastChange: { type: 'object', enabled: false }
  }
}

const SETTINGS: estypes.IndicesIndexSettings = { number_of_shards: 1, number_of_replicas: 0 }
const SWEEP_PAGE = 1000

export function registryIndex(prefix: string): string {
  return `${prefix}-listing-registry`
}

export function registryDocId(source: string, listingId: string): string {
  return `${source}:${listingId}`
}

export class ListingRegistry {
  constructor(
    private readonly client: Client,
    readonly index: string
  ) {}

  async ensure(): Promise<void> {
    await ensureOwnedIndex(this.client, this.index, 'registry', { settings: SETTINGS, mappings: REGISTRY_MAPPINGS })
  }

  /** The records of these listings, keyed by registryDocId: one search, as of the last refresh. */
  async readMany(keys: readonly { source: string; listingId: string }[]): Promise<Map<string, RegistryDoc>> {
    const found = new Map<string, RegistryDoc>()
    if (keys.length === 0) return found
    const ids = [...new Set(keys.map((k) => registryDocId(k.source, k.listingId)))]
    const res = await this.client.search<RegistryDoc>({
      index: this.index,
      size: ids.length,
      ignore_unavailable: true,
      query: { ids: { values: ids } }
    })
    for (const hit of res.hits.hits) if (hit._id !== undefined && hit._source) found.set(hit._id, hit._source)
    return found
  }

  /** One bulk of whole documents; throws when any is refused, so its batch is decided again. */
  async writeMany(docs: readonly RegistryDoc[]): Promise<void> {
    if (docs.length === 0) return
    const res = await this.client.bulk({
      operations: docs.flatMap((doc) => [
        { index: { _index: this.index, _id: registryDocId(doc.source, doc.listingId) } },
        doc
      ])
    })
    if (!res.errors) return
    const failed = res.items.find((entry) => entry.index?.error !== undefined)?.index?.error
    throw new Error(`The listing registry refused a record: ${failed?.type ?? ''}: ${failed?.reason ?? ''}`)
  }

  /**
   * Records of `source` not gone and not seen by `crawlId`, a page at a time: after a full
   * read of the source's sitemaps, these are the listings it no longer lists.
   */
  async *unseen(source: string, crawlId: string): AsyncGenerator<RegistryDoc[]> {
    await this.client.indices.refresh({ index: this.index }, { ignore: [404] })
    let after: estypes.SortResults | undefined
    for (;;) {
      const res = await this.client.search<RegistryDoc>({
        index: this.index,
        size: SWEEP_PAGE,
        ignore_unavailable: true,
        sort: [{ listingId: 'asc' }],
        ...(after === undefined ? {} : { search_after: after }),
        query: {
          bool: {
            filter: [{ term: { source } }, { term: { gone: false } }],
            must_not: [{ term: { lastCrawl: crawlId } }]
          }
        }
      })
      const hits = res.hits.hits
      const docs = hits.flatMap((hit) => (hit._source ? [hit._source] : []))
      if (docs.length > 0) yield docs
      if (hits.length < SWEEP_PAGE) return
      after = hits.at(-1)?.sort
    }
  }

  /** Removes the index and its template (tests). */
  async drop(): Promise<void> {
    await deleteOwnedIndex(this.client, this.index, 'registry')
  }
}
