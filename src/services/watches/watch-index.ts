/**
 * The watches index, `<prefix>-watches` beside the crawl ledger's and the sources' (same
 * prefix): one document per watch, `_id` = its id, with its last runs inside it. Mapped
 * explicitly (and by an index template, so an index deleted at run time comes back mapped);
 * the runs and the schedule are read whole, never searched.
 */
import type { Client, estypes } from '@elastic/elasticsearch'
import { deleteOwnedIndex, ensureOwnedIndex } from '../listings/owned-index'

export function watchesIndex(prefix: string): string {
  return `${prefix}-watches`
}

const SETTINGS: estypes.IndicesIndexSettings = { number_of_shards: 1, number_of_replicas: 0 }

const WATCHES_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    id: { type: 'keyword' },
    name: { type: 'keyword', ignore_above: 256 },
    sources: { type: 'keyword' },
    schedule: { type: 'object', enabled: false },
    crawl: { type: 'object', enabled: false },
    paused: { type: 'boolean' },
    anchorAt: { type: 'date', index: false },
    nextRunAt: { type: 'date' },
    runs: { type: 'object', enabled: false },
    webhook: { type: 'keyword', index: false },
    secret: { type: 'keyword', index: false },
    deliveries: { type: 'object', enabled: false },
    createdAt: { type: 'date' },
    updatedAt: { type: 'date' }
  }
}

export async function ensureWatchesIndex(client: Client, index: string): Promise<void> {
  await ensureOwnedIndex(client, index, 'watches', { settings: SETTINGS, mappings: WATCHES_MAPPINGS })
}

/** Removes the index and its template (tests). */
export async function deleteWatchesIndex(client: Client, index: string): Promise<void> {
  await deleteOwnedIndex(client, index, 'watches')
}
