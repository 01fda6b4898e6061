/**
 * Finds the JobPosting in a page's JSON-LD. Pages carry several blocks (breadcrumbs,
 * organization, the posting), wrap nodes in top-level arrays or `@graph`, nest the posting
 * under a WebPage's `mainEntity`, and often ship blocks that are not valid JSON: those are
 * repaired (json-repair.ts), and a block that cannot be is skipped, never fatal.
 */
import type { CheerioAPI } from 'cheerio'
import { hasSchemaType, isBareReference, isJsonObject } from './json-object'
import type { JsonObject } from './json-object'
import { repairJson } from './json-repair'
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
  return findJsonLdPostingIn(jsonLdBlocks($))
}

/** The same, from the blocks' texts in document order (page-scan.ts reads them without a DOM). */
export function findJsonLdPostingIn(blocks: readonly string[]): JsonLdPosting | null {
  const nodesById = new Map<string, JsonObject>()
  // A block that is valid JSON is trusted over one we repaired: a broken block beside a good
  // one is often a leftover (a draft, a template default).
  let posting: JsonObject | null = null
  let repairedPosting: JsonObject | null = null
  for (const block of blocks) {
    const parsed = readJsonLd(block)
    for (const node of objectsIn(parsed?.value, 0)) {
      const id = node['@id']
      // A bare `{"@id": …}` is a reference, not the node: it may come before the node it names.
      if (typeof id === 'string' && !isBareReference(node) && !nodesById.has(id)) nodesById.set(id, node)
      if (!hasSchemaType(node, 'JobPosting')) continue
      if (parsed?.repaired) repairedPosting ??= node
      else posting ??= node
    }
  }
  const found = posting ?? repairedPosting
  return found === null ? null : { posting: found, nodesById }
}

/** Whether the page has a block that names a JobPosting but cannot be read even repaired. */
export function hasUnreadablePosting($: CheerioAPI): boolean {
  return jsonLdBlocks($).some((block) => /JobPosting/i.test(block) && parseJsonLd(block) === undefined)
}

function jsonLdBlocks($: CheerioAPI): string[] {
  return $('script')
    .toArray()
    .filter((script) => ($(script).attr('type') ?? '').split(';')[0]?.trim().toLowerCase() === 'application/ld+json')
    .map((script) => $(script).text())
}

/**
 * Parses a block. The faults real pages have most are fixed first, as they always were:
 * raw line breaks inside strings (invalid JSON that browsers never complain about) and a
 * block that was HTML-escaped as a whole (`{&quot;@type&quot;: …}`); then jsonrepair gets
 * what is left. Undefined when nothing works.
 */
export function parseJsonLd(text: string): unknown {
  return readJsonLd(text)?.value
}

function readJsonLd(text: string): { value: unknown; repaired: boolean } | undefined {
  const source = text
    .trim()
    .replace(/^<!--|-->$/g, '')
    .replace(/^\/\/\s*<!\[CDATA\[|\/\/\s*\]\]>$/g, '')
    .trim()
  checkJson(source)
  const candidates = [source, source.includes('&quot;') ? decodeQuotedEntities(source) : null].filter(
    (c): c is string => c !== null
  )
  for (const candidate of candidates) {
    for (const attempt of [candidate, candidate.replace(CONTROL_CHARACTERS, ' ')]) {
      try {
        return { value: JSON.parse(attempt) as unknown, repaired: false }
      } catch {
        // try the next repair
      }
    }
  }
  for (const candidate of candidates) {
    const value = repairJson(candidate)
    if (value !== undefined) return { value, repaired: true }
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
  return text
    .replace(/&quot;|&#34;|&#x22;/gi, '"')
    .replace(/&amp;/g, '&')
    .replace(CONTROL_CHARACTERS, ' ')
}
