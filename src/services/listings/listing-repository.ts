/**
 * The cache index over the official client: one document per listing, keyed by source and
 * listing id (listingDocId).
 * Knows Elasticsearch, not availability: errors go up as they come (ListingCache decides).
 */
import { errors } from '@elastic/elasticsearch'
import { deleteOwnedIndex, ensureOwnedIndex } from './owned-index'
import type { Client, estypes } from '@elastic/elasticsearch'
import { fromSource, listingDocId } from './listing-document'
import type { CachedListing, ListingDocument } from './listing-document'
import { LISTINGS_MAPPINGS, LISTINGS_SETTINGS } from './listing-index'

export interface BulkOutcome {
  stored: ListingDocument[]
  /** Elasticsearch refused these for good (say, a mapping conflict): retrying cannot help. */
  rejected: { doc: ListingDocument; reason: string }[]
  /** Worth retrying later. */
  failed: ListingDocument[]
}

export class ListingRepository {
  constructor(
    readonly client: Client,
    readonly index: string
  ) {}

  /** Creates the index with its mapping if it is missing; also serves as a liveness probe. */
  async ensureIndex(): Promise<void> {
    // The template (owned-index.ts): if the index is deleted while we run (to clear the cache),
    // the next write auto-creates it with our mapping, not a dynamic one that breaks facets.
    await ensureOwnedIndex(this.client, this.index, 'listings', {
      settings: LISTINGS_SETTINGS,
      mappings: LISTINGS_MAPPINGS
    })
  }

  /** Null on a miss, and on a stored document that is no longer a valid Listing; `id` is the `_id` (listingDocId). */
  async get(id: string): Promise<CachedListing | null> {
    const res = await this.client.get({ index: this.index, id }, { ignore: [404] })
    if (!res.found) return null
    return fromSource(res._source)
  }

  /**
   * Stores one listing. The document version is its cachedAt time (external versioning),
   * so a late retry of an older copy can never overwrite a newer one: Elasticsearch
   * answers 409, which means "something at least as new is stored" and counts as done.
   */
  async put(doc: ListingDocument): Promise<void> {
    try {
      await this.client.index({
        index: this.index,
        id: listingDocId(doc),
        document: doc,
        version: versionOf(doc),
        version_type: 'external'
      })
    } catch (err) {
      if (err instanceof errors.ResponseError && err.statusCode === 409) return
      throw err
    }
  }

  async putMany(docs: ListingDocument[]): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { stored: [], rejected: [], failed: [] }
    if (docs.length === 0) return outcome
    const operations = docs.flatMap((doc) => [
      {
        index: {
          _index: this.index,
          _id: listingDocId(doc),
          version: versionOf(doc),
          version_type: 'external' as const
        }
      },
      doc
    ])
    const res = await this.client.bulk({ operations })
    res.items.forEach((item, i) => {
      const doc = docs[i]
      const result = item.index
      if (doc === undefined || result === undefined) return
      const status = result.status
      if (result.error === undefined || status === 409) outcome.stored.push(doc)
      else if (status >= 500 || status === 429 || status === 408) outcome.failed.push(doc)
      else outcome.rejected.push({ doc, reason: `${result.error.type}: ${result.error.reason ?? ''}` })
    })
    return outcome
  }

  async search(request: Omit<estypes.SearchRequest, 'index'>): Promise<estypes.SearchResponse<unknown>> {
    // A missing index (not created yet, or deleted) searches as empty rather than failing.
    return this.client.search<unknown>({ ...request, index: this.index, ignore_unavailable: true })
  }

  /** Makes recent writes searchable now (tests and benchmarks; the index refreshes every second anyway). */
  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: this.index })
  }

  /** Removes the index and its template (tests, and a user's "forget everything"). */
  async deleteIndex(): Promise<void> {
    await deleteOwnedIndex(this.client, this.index, 'listings')
  }
}

function versionOf(doc: ListingDocument): number {
  const ms = Date.parse(doc.cachedAt)
  if (!Number.isFinite(ms)) throw new Error(`Listing ${doc.ID} has an invalid cachedAt "${doc.cachedAt}"`)
  return ms
}
