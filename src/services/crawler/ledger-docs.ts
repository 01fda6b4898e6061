/** The ledger's documents as stored in Elasticsearch (see ledger-indices.ts for the mappings). */
import type { CrawlItemState, CrawlSource, CrawlState } from '../../shared/crawl'

export interface CrawlDoc {
  id: string
  name: string
  state: CrawlState
  /** Human label, e.g. "sitemap https://…". */
  source: string
  /** What to read ids from again after a restart (the text of an id list is not kept). */
  sourceSpec: { kind: CrawlSource['kind']; url?: string }
  ingesting: boolean
  /** Why reading the source stopped early, if it did. */
  ingestError: string | null
  /** Ids read from the source so far (duplicates included): where a restarted ingest resumes. */
  sourceRead: number
  duplicateCount: number
  invalidCount: number
  refresh: boolean
  maxAttempts: number
  createdAt: string
  updatedAt: string
  finishedAt: string | null
}

export interface ItemDoc {
  crawlId: string
  listingId: string
  seq: number
  state: CrawlItemState
  attempts: number
  attemptLimit: number
  dispatch: number
  errorKind: string | null
  errorMessage: string | null
  replica: string | null
  tookMs: number | null
  notBefore: string | null
  dispatchedAt: string | null
  /** The broker confirmed the current dispatch (see dispatcher.ts). */
  published: boolean
  /** The host of the item's page, set at dispatch (politeness is per host). */
  host?: string | null
  /** Epoch ms the current dispatch's fetch slot opens; null for a request with no slot. */
  slotAt?: number | null
  finishedAt: string | null
  updatedAt: string
}

/** An item as read, with what optimistic concurrency needs to update it safely. */
export interface StoredItem {
  doc: ItemDoc
  seqNo: number
  primaryTerm: number
}

export function newItem(crawlId: string, listingId: string, seq: number, attemptLimit: number, state: 'queued' | 'skipped', now: string): ItemDoc {
  return {
    crawlId,
    listingId,
    seq,
    state,
    attempts: 0,
    attemptLimit,
    dispatch: 0,
    errorKind: null,
    errorMessage: null,
    replica: null,
    tookMs: null,
    notBefore: null,
    dispatchedAt: null,
    published: false,
    finishedAt: state === 'skipped' ? now : null,
    updatedAt: now
  }
}
