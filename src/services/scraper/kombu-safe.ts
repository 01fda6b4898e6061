/**
 * kombu ≥ 5.3 decodes any JSON object whose only keys are `__type__` and `__value__` as a
 * tagged value (datetime, decimal…) and raises on an unknown type (docs/nameko-rpc-protocol.md, point 8).
 * A scraped JobPosting is foreign data and may hold such an object; marked with a third key
 * it travels as the plain object it is.
 */
export const LITERAL_MARK = '__scrapedeck_literal__'

export function defuseKombuTags(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defuseKombuTags)
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value).map(([key, inner]) => [key, defuseKombuTags(inner)] as const)
  const keys = entries.map(([key]) => key).sort()
  const tagged = keys.length === 2 && keys[0] === '__type__' && keys[1] === '__value__'
  return Object.fromEntries(tagged ? [...entries, [LITERAL_MARK, true]] : entries)
}
