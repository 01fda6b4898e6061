/**
 * schema.org JobPosting (from JSON-LD, or built from microdata or plain HTML) → the
 * normalized Listing fields, so the UI and the search index need not know every board's shape.
 */
import type { Listing } from '../../shared/listing'
import { descriptionText, plainLine } from './html-text'
import { asList, isBareReference, isJsonObject, schemaName } from './json-object'
import type { JsonObject } from './json-object'
import { parseSalary } from './salary'

export type PostingFields = Omit<Listing, 'ID' | 'JSON' | 'scrapedAt' | 'extractedFrom' | 'title'> & {
  title: string | null
}

export function normalizePosting(
  posting: JsonObject,
  pageUrl: string,
  nodesById: Map<string, JsonObject> = new Map()
): PostingFields {
  const resolve = (value: unknown): unknown => resolveReference(value, nodesById)
  return {
    title: firstText(posting['title']) ?? firstText(posting['name']),
    company: nameOf(posting['hiringOrganization'], resolve),
    location: locationOf(posting, resolve),
    employmentType: employmentTypes(posting['employmentType']),
    datePosted: firstText(posting['datePosted']),
    validThrough: firstText(posting['validThrough']),
    salary: parseSalary(posting['baseSalary'] ?? posting['estimatedSalary'], resolve),
    skills: skillsOf(posting, resolve),
    description: descriptionOf(posting['description']),
    url: absoluteHttpUrl(posting['url']) ?? pageUrl
  }
}

/** `{"@id": "#org"}` → the node with that id elsewhere on the page (common in @graph pages). */
function resolveReference(value: unknown, nodesById: Map<string, JsonObject>): unknown {
  if (!isJsonObject(value) || !isBareReference(value)) return value
  return nodesById.get(value['@id'] as string) ?? value
}

function firstText(value: unknown): string | null {
  for (const item of asList(value)) {
    if (typeof item === 'string' || typeof item === 'number') {
      const text = plainLine(String(item))
      if (text !== '') return text
    }
  }
  return null
}

/** A Thing's name: the string itself, or `name` of the (resolved) object. */
function nameOf(value: unknown, resolve: (value: unknown) => unknown): string | null {
  for (const item of asList(value)) {
    const thing = resolve(item)
    const name = isJsonObject(thing) ? firstText(thing['name']) : firstText(thing)
    if (name !== null) return name
  }
  return null
}

function locationOf(posting: JsonObject, resolve: (value: unknown) => unknown): string | null {
  const places = asList(posting['jobLocation']).map((place) => placeText(resolve(place), resolve))
  const remote = asList(posting['jobLocationType']).some(
    (type) => typeof type === 'string' && schemaName(type) === 'telecommute'
  )
  const where: string[] = []
  if (remote) {
    const allowed = asList(posting['applicantLocationRequirements']).map((area) => nameOf(area, resolve))
    const regions = unique(allowed.filter((name): name is string => name !== null))
    where.push(regions.length > 0 ? `Remote (${regions.join(', ')})` : 'Remote')
  }
  where.push(...places.filter((text): text is string => text !== null))
  const all = unique(where)
  return all.length > 0 ? all.join('; ') : null
}

function placeText(place: unknown, resolve: (value: unknown) => unknown): string | null {
  if (!isJsonObject(place)) return firstText(place)
  const address = resolve(place['address'])
  if (!isJsonObject(address)) return firstText(address) ?? firstText(place['name'])
  const parts = [address['addressLocality'], address['addressRegion'], address['addressCountry']].map((part) =>
    nameOf(part, resolve)
  )
  // Greenhouse puts "San Francisco, CA" in addressLocality alone; do not repeat a part that is already there.
  const kept: string[] = []
  for (const part of parts) {
    if (part !== null && !kept.some((k) => k.split(/,\s*/).includes(part))) kept.push(part)
  }
  return kept.length > 0 ? kept.join(', ') : firstText(place['name'])
}

const EMPLOYMENT_TYPES = new Set([
  'FULL_TIME',
  'PART_TIME',
  'CONTRACTOR',
  'TEMPORARY',
  'INTERN',
  'VOLUNTEER',
  'PER_DIEM',
  'OTHER'
])
const EMPLOYMENT_ALIASES: Record<string, string> = {
  FULLTIME: 'FULL_TIME',
  PARTTIME: 'PART_TIME',
  CONTRACT: 'CONTRACTOR',
  FREELANCE: 'CONTRACTOR',
  TEMP: 'TEMPORARY',
  INTERNSHIP: 'INTERN',
  PERDIEM: 'PER_DIEM'
}

/** Always a list, in schema.org's spelling where the value is one of its types ("Full-time" → FULL_TIME). */
function employmentTypes(value: unknown): string[] {
  const raw = asList(value).flatMap((item) => (typeof item === 'string' ? item.split(/[,;/|]/) : []))
  const types = raw
    .map((item) => plainLine(item))
    .filter((item) => item !== '')
    .map((item) => {
      const key = item.toUpperCase().replace(/[\s-]+/g, '_')
      if (EMPLOYMENT_TYPES.has(key)) return key
      return EMPLOYMENT_ALIASES[key.replace(/_/g, '')] ?? item
    })
  return unique(types)
}

/** `skills` plus the tag-like fields boards use (`keywords`, `tags`), as one de-duplicated list. */
function skillsOf(posting: JsonObject, resolve: (value: unknown) => unknown): string[] {
  const values = [posting['skills'], posting['keywords'], posting['tags']].flatMap((field) => asList(field))
  const skills = values.flatMap((value) => {
    const item = resolve(value)
    if (isJsonObject(item)) return [nameOf(item, resolve)] // DefinedTerm and friends
    if (typeof item !== 'string') return []
    // A comma list, or an HTML list some boards put in `skills`.
    const text = /[<&]/.test(item) ? descriptionText(item) : item
    return text.split(/[,;\n•]/)
  })
  return unique(skills.map((skill) => (skill === null ? '' : plainLine(skill))).filter((skill) => skill !== ''))
}

function descriptionOf(value: unknown): string {
  const texts = asList(value).filter((item): item is string => typeof item === 'string')
  return texts.map((text) => descriptionText(text)).join('\n\n')
}

function absoluteHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null
  try {
    const url = new URL(value.trim())
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

/** Keeps the first spelling of each value, compared without case. */
function unique(values: string[]): string[] {
  const seen = new Set<string>()
  return values.filter((value) => {
    const key = value.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
