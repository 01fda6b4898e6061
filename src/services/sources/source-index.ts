/**
 * The sources index, `<prefix>-sources` beside the crawl ledger's indices (same prefix):
 * one document per source, `_id` = its name. Mapped explicitly (and by an index template, so
 * an index deleted at run time comes back mapped); only what is searched is indexed.
 */
import type { Client, estypes } from '@elastic/elasticsearch'
import { deleteOwnedIndex, ensureOwnedIndex } from '../listings/owned-index'

export function sourcesIndex(prefix: string): string {
  return `${prefix}-sources`
}

const SETTINGS: estypes.IndicesIndexSettings = { number_of_shards: 1, number_of_replicas: 0 }

const SOURCES_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    name: { type: 'keyword' },
    listingUrlTemplate: { type: 'keyword', index: false },
    sitemapUrls: { type: 'keyword', index: false },
    politeness: { type: 'object', enabled: false },
    paused: { type: 'boolean' },
    createdAt: { type: 'date' },
    updatedAt: { type: 'date' }
  }
}

export async function ensureSourcesIndex(client: Client, index: string): Promise<void> {
  await ensureOwnedIndex(client, index, 'sources', { settings: SETTINGS, mappings: SOURCES_MAPPINGS })
}

/** Removes the index and its template (tests). */
export async function deleteSourcesIndex(client: Client, index: string): Promise<void> {
  await deleteOwnedIndex(client, index, 'sources')
}
