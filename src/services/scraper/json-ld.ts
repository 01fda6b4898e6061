/**
 * Finds the JobPosting in a page's JSON-LD. Pages carry several blocks (breadcrumbs,
 * organization, the posting), wrap nodes in top-level arrays or `@graph`, nest the posting
 * under a WebPage's `mainEntity`, and sometimes ship blocks that are not valid JSON: such a
 * block is skipped, never fatal.
 */
import type { CheerioAPI } from 'cheerio'
import { hasSchemaType, isBareReference, isJsonObject } from './json-object'
import type { JsonObject } from './json-object'
import { checkJson } from './json-scan'

export interface JsonLdPosting {
  posting: JsonObject
  /** Every node with an `@id` on the page, to resolve references such as `{"@id": "#org"}`. */
  nodesById: Map<string, JsonObject>
}

/** JSON forbids raw control characters in strings; outside strings they are whitespace anyway. */
// eslint-disable-next-line no-control-regex -- matching raw control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f]+/g

/** Deep enough for WebPage → mainEntity → JobPosting inside a @graph inside an array. */
const MAX_DEPTH = 6

export function findJsonLdPosting($: CheerioAPI): JsonLdPosting | null {
  const nodesById = new Map<string, JsonObject>()
  let posting: JsonObject | null = null
  for (const script of $('script').toArray()) {
    const type = ($(script).attr('type') ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/ld+json') continue
    const data = parseJsonLd($(script).text())
    for (const node of objectsIn(data, 0)) {
      const id = node['@id']
      // A bare `{"@id": …}` is a reference, not the node: it may come before the node it names.
      if (typeof id === 'string' && !isBareReference(node) && !nodesById.has(id)) nodesById.set(id, node)
      if (posting === null && hasSchemaType(node, 'JobPosting')) posting = node
    }
  }
  return posting === null ? null : { posting, nodesById }
}

/**
 * Parses a block, repairing the two faults real pages have most: raw line breaks inside
 * strings (invalid JSON that browsers never complain about) and a block that was
 * HTML-escaped as a whole (`{&quot;@type&quot;: …}`). Anything else is given up on.
 */
export function parseJsonLd(text: string): unknown {
  const source = text.trim().replace(/^<!--|-->$/g, '').replace(/^\/\/\s*<!\[CDATA\[|\/\/\s*\]\]>$/g, '').trim()
  checkJson(source)
  const attempts = [
    source,
    source.replace(CONTROL_CHARACTERS, ' '),
    source.includes('&quot;') ? decodeQuotedEntities(source) : null
  ]
  for (const attempt of attempts) {
    if (attempt === null) continue
    try {
      return JSON.parse(attempt) as unknown
    } catch {
      // try the next repair
    }
  }
  return undefined
}

/** Every object in `value`, outermost first, in document order. */
function* objectsIn(value: unknown, depth: number): Generator<JsonObject> {
  if (depth > MAX_DEPTH) return
  if (Array.isArray(value)) {
    for (const item of value) yield* objectsIn(item, depth + 1)
  } else if (isJsonObject(value)) {
    yield value
    for (const child of Object.values(value)) {
      if (typeof child === 'object' && child !== null) yield* objectsIn(child, depth + 1)
    }
  }
}

/** Only the entities that break JSON syntax; the rest are decoded later, field by field. */
function decodeQuotedEntities(text: string): string {
  return text.replace(/&quot;|&#34;|&#x22;/gi, '"').replace(/&amp;/g, '&').replace(CONTROL_CHARACTERS, ' ')
}
