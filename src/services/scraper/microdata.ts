/**
 * Reads a schema.org/JobPosting written as microdata (itemscope / itemtype / itemprop) into
 * a JSON-LD-shaped object, so one normalizer serves both. Nested items (hiringOrganization,
 * jobLocation → address, baseSalary → value) become nested objects.
 */
import type { Cheerio, CheerioAPI } from 'cheerio'
import type { Element } from 'domhandler'
import { schemaName } from './json-object'
import type { JsonObject } from './json-object'

/** JobPosting → baseSalary → value is three levels; leave room, but stop runaway nesting. */
const MAX_DEPTH = 5
/** Elements whose value is an attribute, per the microdata spec. */
const URL_ATTRIBUTES: Record<string, string> = {
  a: 'href',
  area: 'href',
  link: 'href',
  img: 'src',
  audio: 'src',
  video: 'src',
  source: 'src',
  iframe: 'src',
  embed: 'src',
  track: 'src',
  object: 'data'
}

export function readMicrodataPosting($: CheerioAPI): JsonObject | null {
  const item = $('[itemscope][itemtype]')
    .filter((_, el) => typesOf($(el)).includes('jobposting'))
    .first()
  return item.length === 0 ? null : readItem($, item, 0)
}

function typesOf(element: Cheerio<Element>): string[] {
  return (element.attr('itemtype') ?? '').split(/\s+/).filter(Boolean).map(schemaName)
}

function readItem($: CheerioAPI, item: Cheerio<Element>, depth: number): JsonObject {
  const itemtype = (item.attr('itemtype') ?? '').split(/\s+/).filter(Boolean)
  const types = itemtype.map((type) => type.replace(/^https?:\/\/schema\.org\//i, ''))
  const result: JsonObject = { '@type': types.length === 1 ? types[0] : types }
  const itemElement = item.get(0)
  // This item's own properties: [itemprop] descendants whose nearest enclosing item is this one.
  const props = item.find('[itemprop]').filter((_, el) => $(el).parent().closest('[itemscope]').get(0) === itemElement)
  for (const el of props.toArray()) {
    const prop = $(el)
    const value = prop.is('[itemscope]')
      ? depth < MAX_DEPTH
        ? readItem($, prop, depth + 1)
        : null
      : propertyValue(prop)
    if (value === null) continue
    for (const name of (prop.attr('itemprop') ?? '').split(/\s+/).filter(Boolean)) {
      const existing = result[name]
      result[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
    }
  }
  return result
}

function propertyValue(prop: Cheerio<Element>): string | null {
  const tag = prop.get(0)?.name ?? ''
  if (tag === 'meta') return prop.attr('content') ?? null
  const urlAttribute = URL_ATTRIBUTES[tag]
  if (urlAttribute !== undefined) return prop.attr(urlAttribute) ?? null
  if (tag === 'data' || tag === 'meter') return prop.attr('value') ?? null
  if (tag === 'time') return prop.attr('datetime') ?? prop.text().trim()
  // The description keeps its markup so paragraphs survive into the plain text; the
  // normalizer strips tags from every field anyway.
  if (prop.attr('itemprop')?.split(/\s+/).includes('description')) return prop.html() ?? ''
  return prop.text().replace(/\s+/g, ' ').trim()
}
