/**
 * The sources index, `<prefix>-sources` beside the crawl ledger's indices (same prefix):
 * one document per source, `_id` = its name. Mapped explicitly (and by an index template, so
 * an index deleted at run time comes back mapped); only what is searched is indexed.
 */
import { errors } from '@elastic/elasticsearch'
import type { Client, estypes } from '@elastic/elasticsearch'

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
  await client.indices.putIndexTemplate({
    name: `${index}-sources`,
    index_patterns: [index],
    template: { settings: SETTINGS, mappings: SOURCES_MAPPINGS }
  })
  if (await client.indices.exists({ index })) return
  try {
    await client.indices.create({ index, settings: SETTINGS, mappings: SOURCES_MAPPINGS })
  } catch (err) {
    if (!(err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception'))
      throw err
  }
}

/** Removes the index and its template (tests). */
export async function deleteSourcesIndex(client: Client, index: string): Promise<void> {
  await client.indices.delete({ index }, { ignore: [404] })
  await client.indices.deleteIndexTemplate({ name: `${index}-sources` }, { ignore: [404] })
}
