/**
 * The crawl ledger's two Elasticsearch indices, their explicit mappings and the index
 * templates that carry them (so an index deleted at run time comes back mapped, not dynamic):
 *   <prefix>-crawls       one document per crawl, _id = crawl id
 *   <prefix>-crawl-items  one document per crawl × source × listing id, _id = itemDocId()
 *   <prefix>-hosts        one document per host the fleet fetches from: its fetch schedule and
 *                         what it told us (politeness/host-clock.ts), _id = host
 *   <prefix>-crawl-dispatches  one document per batch of publishes not yet confirmed (dispatch-batches.ts)
 *   <prefix>-robots       one document per host: its robots.txt as last fetched
 *                         (politeness/robots-store.ts), _id = host
 *   <prefix>-crawl-http-stats  checkpoints of a crawl's per-host HTTP statistics, one document
 *                         per crawl × coordinator run (http-stats-store.ts)
 * Core field types only: the integ-test Elasticsearch has no extra modules.
 */
import { deleteOwnedIndex, ensureOwnedIndex } from '../listings/owned-index'
import type { Client, estypes } from '@elastic/elasticsearch'
import { sourceListingKey } from '../../shared/source'

export interface LedgerIndices {
  crawls: string
  items: string
  hosts: string
  dispatches: string
  robots: string
  httpStats: string
}

export function ledgerIndices(prefix: string): LedgerIndices {
  return {
    crawls: `${prefix}-crawls`,
    items: `${prefix}-crawl-items`,
    hosts: `${prefix}-hosts`,
    dispatches: `${prefix}-crawl-dispatches`,
    robots: `${prefix}-robots`,
    httpStats: `${prefix}-crawl-http-stats`
  }
}

/**
 * The deterministic item id: the same listing of a source ingested twice into a crawl is one
 * document. `${crawlId}:${listingId}` for the default source (as before sources), else
 * `${crawlId}:${source}:${listingId}` (shared/source.ts's sourceListingKey).
 */
export function itemDocId(crawlId: string, listingId: string, source?: string): string {
  return `${crawlId}:${sourceListingKey(source, listingId)}`
}

const SETTINGS: estypes.IndicesIndexSettings = { number_of_shards: 1, number_of_replicas: 0 }

const CRAWLS_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    id: { type: 'keyword' },
    name: { type: 'keyword', ignore_above: 256 },
    state: { type: 'keyword' },
    source: { type: 'keyword', index: false },
    sourceSpec: { type: 'object', enabled: false },
    ingesting: { type: 'boolean' },
    ingestError: { type: 'keyword', index: false },
    sourceRead: { type: 'long' },
    duplicateCount: { type: 'long' },
    invalidCount: { type: 'long' },
    refresh: { type: 'boolean' },
    maxAttempts: { type: 'integer' },
    createdAt: { type: 'date' },
    updatedAt: { type: 'date' },
    finishedAt: { type: 'date' }
  }
}

/** In _source only: a field read with its document but never searched, sorted or aggregated on. */
const STORED_ONLY = { index: false, doc_values: false } as const

const ITEMS_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    crawlId: { type: 'keyword' },
    listingId: { type: 'keyword' },
    source: { type: 'keyword' },
    /** The id's position in its source: orders dispatch (and interleaves crawls) and pages. */
    seq: { type: 'long' },
    state: { type: 'keyword' },
    attempts: { type: 'integer', ...STORED_ONLY },
    /** attempts allowed before the item fails for good; retry raises it by maxAttempts. */
    attemptLimit: { type: 'integer', ...STORED_ONLY },
    /** Publishes so far; the reply's correlation id carries it, so late replies are told apart. */
    dispatch: { type: 'integer', ...STORED_ONLY },
    errorKind: { type: 'keyword' },
    errorMessage: { type: 'keyword', ...STORED_ONLY },
    replica: { type: 'keyword' },
    tookMs: { type: 'double', ...STORED_ONLY },
    /** Not dispatched before this time (backoff after a transient failure). */
    notBefore: { type: 'date' },
    dispatchedAt: { type: 'date' },
    /** The dispatch batch of the current dispatch (dispatch-batches.ts): open until the broker confirmed it. */
    dispatchBatch: { type: 'keyword' },
    /**
     * The host the item's page is on, and when its current dispatch's fetch slot opens
     * (politeness/); a host's load (host-load.ts) counts fetches by their slot.
     */
    host: { type: 'keyword' },
    slotAt: { type: 'date' },
    finishedAt: { type: 'date' },
    updatedAt: { type: 'date', ...STORED_ONLY },
    lastmod: { type: 'keyword', ...STORED_ONLY },
    validators: { type: 'object', enabled: false },
    /** new, changed, unchanged, gone, failed (changes/change-rules.ts): the change report's counts and lists. */
    change: { type: 'keyword' },
    changedFields: { type: 'object', enabled: false },
    changeReason: { type: 'keyword', ...STORED_ONLY },
    /** Searched by the change report's `q`. */
    title: { type: 'text' },
    company: { type: 'text' }
  }
}

const DISPATCHES_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: { openedAt: { type: 'long' } }
}

const HOSTS_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    host: { type: 'keyword' },
    nextSlotAt: { type: 'date' },
    pausedUntil: { type: 'date' },
    pauseReason: { type: 'keyword', index: false },
    refusals: { type: 'integer' },
    blocked: { type: 'boolean' },
    lastAnswer: { type: 'keyword', index: false },
    updatedAt: { type: 'date' }
  }
}

/**
 * Apart from the host's clock: that document is rewritten by every tick that hands out slots,
 * and a robots.txt (up to 512 KiB) would be rewritten with it; the skip counter's increments
 * would also make those guarded writes lose races.
 */
const ROBOTS_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    host: { type: 'keyword' },
    url: { type: 'keyword', index: false },
    state: { type: 'keyword' },
    httpStatus: { type: 'integer' },
    fetchedAt: { type: 'date' },
    expiresAt: { type: 'date' },
    body: { type: 'text', index: false },
    reason: { type: 'keyword', index: false },
    disallowedCount: { type: 'long' }
  }
}

const HTTP_STATS_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    crawlId: { type: 'keyword' },
    coordinator: { type: 'keyword' },
    /** Per host counters and latency sketch buckets: read whole, never searched. */
    hosts: { type: 'object', enabled: false },
    updatedAt: { type: 'date' }
  }
}

/** Puts every template and creates every index if missing. Also a liveness probe. */
export async function ensureLedgerIndices(client: Client, indices: LedgerIndices): Promise<void> {
  for (const [index, mappings] of [
    [indices.crawls, CRAWLS_MAPPINGS],
    [indices.items, ITEMS_MAPPINGS],
    [indices.hosts, HOSTS_MAPPINGS],
    [indices.dispatches, DISPATCHES_MAPPINGS],
    [indices.robots, ROBOTS_MAPPINGS],
    [indices.httpStats, HTTP_STATS_MAPPINGS]
  ] as const) {
    await ensureOwnedIndex(client, index, 'ledger', { settings: SETTINGS, mappings })
  }
}

/** Removes every ledger index and template (tests). */
export async function deleteLedgerIndices(client: Client, indices: LedgerIndices): Promise<void> {
  for (const index of [
    indices.crawls,
    indices.items,
    indices.hosts,
    indices.dispatches,
    indices.robots,
    indices.httpStats
  ]) {
    await deleteOwnedIndex(client, index, 'ledger')
  }
}
