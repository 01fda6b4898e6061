/**
 * The crawl ledger's two Elasticsearch indices, their explicit mappings and the index
 * templates that carry them (so an index deleted at run time comes back mapped, not dynamic):
 *   <prefix>-crawls       one document per crawl, _id = crawl id
 *   <prefix>-crawl-items  one document per crawl × source × listing id, _id = itemDocId()
 *   <prefix>-hosts        one document per host the fleet fetches from: its fetch schedule and
 *                         what it told us (politeness/host-clock.ts), _id = host
 *   <prefix>-crawl-http-stats  checkpoints of a crawl's per-host HTTP statistics, one document
 *                         per crawl × coordinator run (http-stats-store.ts)
 * Core field types only: the integ-test Elasticsearch has no extra modules.
 */
import { errors } from '@elastic/elasticsearch'
import type { Client, estypes } from '@elastic/elasticsearch'
import { sourceListingKey } from '../../shared/source'

export interface LedgerIndices {
  crawls: string
  items: string
  hosts: string
  httpStats: string
}

export function ledgerIndices(prefix: string): LedgerIndices {
  return {
    crawls: `${prefix}-crawls`,
    items: `${prefix}-crawl-items`,
    hosts: `${prefix}-hosts`,
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

const ITEMS_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    crawlId: { type: 'keyword' },
    listingId: { type: 'keyword' },
    source: { type: 'keyword' },
    /** The id's position in its source: orders dispatch (and interleaves crawls) and pages. */
    seq: { type: 'long' },
    state: { type: 'keyword' },
    attempts: { type: 'integer' },
    /** attempts allowed before the item fails for good; retry raises it by maxAttempts. */
    attemptLimit: { type: 'integer' },
    /** Publishes so far; the reply's correlation id carries it, so late replies are told apart. */
    dispatch: { type: 'integer' },
    errorKind: { type: 'keyword' },
    errorMessage: { type: 'keyword', index: false },
    replica: { type: 'keyword' },
    tookMs: { type: 'double' },
    /** Not dispatched before this time (backoff after a transient failure). */
    notBefore: { type: 'date' },
    dispatchedAt: { type: 'date' },
    /** False between the ledger's "scraping" and the broker's confirm: a crash there leaves it to publish again. */
    published: { type: 'boolean' },
    /** The host the item's page is on, and when its current dispatch's fetch slot opens (politeness/). */
    host: { type: 'keyword' },
    slotAt: { type: 'date' },
    finishedAt: { type: 'date' },
    updatedAt: { type: 'date' }
  }
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
    [indices.httpStats, HTTP_STATS_MAPPINGS]
  ] as const) {
    await client.indices.putIndexTemplate({
      name: `${index}-ledger`,
      index_patterns: [index],
      template: { settings: SETTINGS, mappings }
    })
    if (await client.indices.exists({ index })) continue
    try {
      await client.indices.create({ index, settings: SETTINGS, mappings })
    } catch (err) {
      if (!(err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception'))
        throw err
    }
  }
}

/** Removes every ledger index and template (tests). */
export async function deleteLedgerIndices(client: Client, indices: LedgerIndices): Promise<void> {
  for (const index of [indices.crawls, indices.items, indices.hosts, indices.httpStats]) {
    await client.indices.delete({ index }, { ignore: [404] })
    await client.indices.deleteIndexTemplate({ name: `${index}-ledger` }, { ignore: [404] })
  }
}
