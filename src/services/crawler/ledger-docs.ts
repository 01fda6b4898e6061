/** The ledger's documents as stored in Elasticsearch (see ledger-indices.ts for the mappings). */
import type { CrawlItemState, CrawlSource, CrawlState } from '../../shared/crawl'
import type { ChangeKind, FieldDiff } from '../../shared/crawl-changes'
import type { PageValidators } from '../scraper/page-validators'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'

/** An item's source, the default one for items written before sources. */
export function itemSource(doc: { source?: string | undefined }): string {
  return doc.source ?? DEFAULT_SOURCE_NAME
}

export interface CrawlDoc {
  id: string
  name: string
  state: CrawlState
  /** Human label, e.g. "sitemap https://…". */
  source: string
  /** What to read ids from again after a restart (the text of an id list is not kept). */
  sourceSpec: { kind: CrawlSource['kind']; url?: string; source?: string; names?: string[] }
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
  /** The source the id is of (shared/source.ts); absent in items from before sources: the default source. */
  source?: string
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
  /** The batch of the current dispatch (dispatch-batches.ts); absent before the first. */
  dispatchBatch?: string | null
  /** The host of the item's page, set at dispatch (politeness is per host). */
  host?: string | null
  /** Epoch ms the current dispatch's fetch slot opens; null for a request with no slot. */
  slotAt?: number | null
  finishedAt: string | null
  updatedAt: string
  /** The sitemap's <lastmod> for it, when a sitemap listed it. */
  lastmod?: string | null
  /** The validators of the registry's copy, sent with the request (a conditional GET). */
  validators?: PageValidators | null
  /** What it did since the last crawl (change-rules.ts), once finished; with the fields that changed. */
  change?: ChangeKind | null
  changedFields?: FieldDiff[]
  changeReason?: string | null
  /** As last known, for the change report and its search. */
  title?: string | null
  company?: string | null
}

/** An item as read, with what optimistic concurrency needs to update it safely. */
export interface StoredItem {
  doc: ItemDoc
  seqNo: number
  primaryTerm: number
}

export function newItem(
  crawlId: string,
  listingId: string,
  seq: number,
  attemptLimit: number,
  state: 'queued' | 'skipped',
  now: string,
  source: string = DEFAULT_SOURCE_NAME
): ItemDoc {
  return {
    crawlId,
    listingId,
    source,
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
    finishedAt: state === 'skipped' ? now : null,
    updatedAt: now
  }
}
