/** Small readers for loosely shaped JSON (JSON-LD and the objects built from microdata). */

export type JsonObject = Record<string, unknown>

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A property that may be one value or a list of them, as a list. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

/**
 * Whether a node has the schema.org type `type`. `@type` may be a string or a list, and
 * boards write it as "JobPosting", "schema:JobPosting" or "https://schema.org/JobPosting".
 */
export function hasSchemaType(node: JsonObject, type: string): boolean {
  return asList(node['@type']).some((value) => typeof value === 'string' && schemaName(value) === type.toLowerCase())
}

/** "http://schema.org/TELECOMMUTE" → "telecommute". */
export function schemaName(value: string): string {
  return value
    .trim()
    .replace(/^(https?:\/\/schema\.org\/|schema:)/i, '')
    .toLowerCase()
}

/** `{"@id": "#org"}` (maybe with an `@type`): a pointer to a node described elsewhere on the page. */
export function isBareReference(node: JsonObject): boolean {
  return typeof node['@id'] === 'string' && Object.keys(node).every((key) => key === '@id' || key === '@type')
}
