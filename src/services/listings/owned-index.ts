/**
 * An index the stack owns, made the one way every store makes its own: a template for its
 * name with the index's settings and mappings (so an index deleted while a process runs —
 * tests clear a cache that way — comes back with these mappings on the next write, not
 * dynamic ones), then the index itself unless it exists. Two processes may make it at once:
 * the loser's "already exists" is not an error.
 */
import { errors } from '@elastic/elasticsearch'
import type { Client, estypes } from '@elastic/elasticsearch'

export interface IndexDefinition {
  settings: estypes.IndicesIndexSettings
  mappings: estypes.MappingTypeMapping
}

/** `kind` names the template: `<index>-<kind>`. */
export async function ensureOwnedIndex(
  client: Client,
  index: string,
  kind: string,
  { settings, mappings }: IndexDefinition
): Promise<void> {
  await client.indices.putIndexTemplate({
    name: `${index}-${kind}`,
    index_patterns: [index],
    template: { settings, mappings }
  })
  if (await client.indices.exists({ index })) return
  try {
    await client.indices.create({ index, settings, mappings })
  } catch (err) {
    if (!(err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception'))
      throw err
  }
}

/** Removes the index and its template (tests). */
export async function deleteOwnedIndex(client: Client, index: string, kind: string): Promise<void> {
  await client.indices.delete({ index }, { ignore: [404] })
  await client.indices.deleteIndexTemplate({ name: `${index}-${kind}` }, { ignore: [404] })
}
