/**
 * The saved searches index, `<prefix>-saved-searches` beside the watches index (same prefix):
 * one document per saved search, `_id` = its name, with its signing secret and its last
 * deliveries inside it. Read whole, never searched, so mapped with almost nothing indexed.
 */
import type { Client, estypes } from '@elastic/elasticsearch'
import { deleteOwnedIndex, ensureOwnedIndex } from '../listings/owned-index'

export function savedSearchesIndex(prefix: string): string {
  return `${prefix}-saved-searches`
}

const SETTINGS: estypes.IndicesIndexSettings = { number_of_shards: 1, number_of_replicas: 0 }

const MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    name: { type: 'keyword' },
    query: { type: 'object', enabled: false },
    webhook: { type: 'keyword', index: false },
    secret: { type: 'keyword', index: false },
    deliveries: { type: 'object', enabled: false },
    createdAt: { type: 'date' },
    updatedAt: { type: 'date' }
  }
}

export async function ensureSavedSearchesIndex(client: Client, index: string): Promise<void> {
  await ensureOwnedIndex(client, index, 'saved-searches', { settings: SETTINGS, mappings: MAPPINGS })
}

/** Removes the index and its template (tests). */
export async function deleteSavedSearchesIndex(client: Client, index: string): Promise<void> {
  await deleteOwnedIndex(client, index, 'saved-searches')
}
