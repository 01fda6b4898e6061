/**
 * The job board's catalog: `count` listings generated from a seed. Listing i depends only
 * on (seed, i), so a catalog of 500 starts with the same 300 listings as a catalog of 300,
 * and ids and dates never change for a seed. Expiry is judged against an injected `today`,
 * not the clock, so the same options always give the same active/expired split.
 *
 * Generated lazily, so a board of 50,000 or 100,000 listings stays small: up front only each
 * listing's id, date and status (the draws before its salary, description and page style),
 * and whole listings on demand, the recent ones kept in a bounded cache. An id maps back to
 * its index by arithmetic (ids grow by a fixed stride), so there is no id map either.
 */
import { ListingIdSchema } from '../../shared/listing.js'
import { COMPANIES, EMPLOYMENT_TYPES, PLACES, REMOTE_AREAS, ROLES, SENIORITIES } from './catalog-data.js'
import type { Place } from './catalog-data.js'
import { generateDescription } from './listing-description.js'
import type { DescriptionBlock } from './listing-description.js'
import { createSeededRandom, hashSeed } from './seeded-random.js'
import type { SeededRandom } from './seeded-random.js'

export type { Place } from './catalog-data.js'

/** How the posting is embedded in the page; the scraper must handle every one of these. */
export type PageStructure = 'json-ld' | 'json-ld-array' | 'json-ld-graph' | 'microdata'
export const PAGE_STRUCTURES: readonly PageStructure[] = ['json-ld', 'json-ld-array', 'json-ld-graph', 'microdata']

/** How the JSON-LD `description` is written: plain text, HTML, or HTML with its markup entity-encoded. */
export type DescriptionFormat = 'text' | 'html' | 'html-entities'

type Workplace = 'onsite' | 'hybrid' | 'remote'
type ListingStatus = 'active' | 'expired'
type SalaryUnit = 'HOUR' | 'MONTH' | 'YEAR'

/** A single figure has min === max. */
export interface CatalogSalary {
  min: number
  max: number
  currency: string
  unit: SalaryUnit
}

interface PageStyle {
  structure: PageStructure
  descriptionFormat: DescriptionFormat
  /** A second, unrelated JSON-LD block (BreadcrumbList) that a scraper must skip. */
  breadcrumbs: boolean
}

export interface CatalogListing {
  id: string
  title: string
  company: string
  companyUrl: string
  workplace: Workplace
  /** Where the job is; empty for a fully remote job. */
  places: Place[]
  /** The area a remote applicant must live in, or null for anywhere. */
  remoteArea: string | null
  /** The location as the page shows it: see formatLocation. */
  location: string
  employmentType: string[]
  salary: CatalogSalary | null
  skills: string[]
  /** YYYY-MM-DD */
  datePosted: string
  /** YYYY-MM-DD, the last day the listing is open; null when it has no end. */
  validThrough: string | null
  status: ListingStatus
  description: DescriptionBlock[]
  page: PageStyle
}

export interface CatalogOptions {
  seed: number
  count: number
  /** YYYY-MM-DD; the day expiry is judged against (dates themselves are laid out around CATALOG_REFERENCE_DATE). */
  today: string
}

/** What is known of every listing without generating it whole. */
export interface CatalogEntry {
  id: string
  /** 0-based position in the catalog. */
  index: number
  /** YYYY-MM-DD */
  datePosted: string
  status: ListingStatus
}

export interface Catalog {
  options: CatalogOptions
  /** Every listing's id, date and status, in catalog order. */
  entries: readonly CatalogEntry[]
  /** Listing `index` (0-based), generated on demand. */
  at(index: number): CatalogListing
  byId: { get(id: string): CatalogListing | undefined }
  /** Every listing, generated now: for tests and small catalogs, not for a board's requests. */
  readonly listings: readonly CatalogListing[]
}

/** Listing dates are generated around this fixed day, so they do not move with the clock or with `today`. */
const CATALOG_REFERENCE_DATE = '2026-12-01'

export const DEFAULT_CATALOG_OPTIONS: CatalogOptions = { seed: 1, count: 300, today: CATALOG_REFERENCE_DATE }

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 86_400_000

/** Ids grow with the index, with a random gap, so they look like a real board's and stay 6 digits up to ~2 000 listings. */
const ID_BASE = 200_000
const ID_STRIDE = 397

/** Whole listings kept after generation; a page view needs a listing and its three "similar jobs". */
const LISTING_CACHE_SIZE = 2_000

export function generateCatalog(options: Partial<CatalogOptions> = {}): Catalog {
  // Pick the three fields: callers pass wider option objects (the server's) straight through.
  const {
    seed = DEFAULT_CATALOG_OPTIONS.seed,
    count = DEFAULT_CATALOG_OPTIONS.count,
    today = DEFAULT_CATALOG_OPTIONS.today
  } = options
  const resolved: CatalogOptions = { seed, count, today }
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`Catalog seed must be a non-negative integer, got ${seed}`)
  if (!Number.isInteger(count) || count < 1 || count > 100_000) {
    throw new Error(`Catalog count must be an integer from 1 to 100000, got ${count}`)
  }
  if (!ISO_DATE.test(today) || Number.isNaN(Date.parse(today)))
    throw new Error(`Catalog "today" must be a date as YYYY-MM-DD, got "${today}"`)

  const entries: CatalogEntry[] = Array.from({ length: count }, (_, index) => {
    const { id, datePosted, status } = drawListingHead(seed, index, today)
    return { id, index, datePosted, status }
  })
  const cache = new Map<number, CatalogListing>()
  const at = (index: number): CatalogListing => {
    if (!Number.isInteger(index) || index < 0 || index >= count)
      throw new RangeError(`No listing at index ${index} in a catalog of ${count}`)
    let listing = cache.get(index)
    if (listing === undefined) {
      listing = generateListing(seed, index, today)
      if (cache.size >= LISTING_CACHE_SIZE) cache.delete(cache.keys().next().value as number)
    } else {
      cache.delete(index) // re-inserted below: most recently used last
    }
    cache.set(index, listing)
    return listing
  }
  return {
    options: resolved,
    entries,
    at,
    byId: {
      get(id) {
        const index = indexOfId(id)
        return index !== null && index < count && entries[index]?.id === id ? at(index) : undefined
      }
    },
    get listings() {
      return entries.map((entry) => at(entry.index))
    }
  }
}

/** The only index whose id can be `id`: ids are ID_BASE + index × ID_STRIDE + a gap below the stride. */
function indexOfId(id: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(id)) return null
  const index = Math.floor((Number(id) - ID_BASE) / ID_STRIDE)
  return index >= 0 ? index : null
}

interface ListingHead {
  random: SeededRandom
  id: string
  role: (typeof ROLES)[number]
  seniority: string
  company: string
  workplace: Workplace
  places: Place[]
  remoteArea: string | null
  location: string
  title: string
  skills: string[]
  employmentType: string[]
  datePosted: string
  validThrough: string | null
  status: ListingStatus
}

/** A listing's first draws, through its dates; the rest (salary, description, page) continue from `random`. */
function drawListingHead(seed: number, index: number, today: string): ListingHead {
  const random = createSeededRandom(hashSeed(seed, 'listing', index))
  const id = ListingIdSchema.parse(String(ID_BASE + index * ID_STRIDE + random.int(0, ID_STRIDE - 1)))

  const role = random.pick(ROLES)
  const seniority = random.pick(SENIORITIES)
  const company = random.pick(COMPANIES)
  const workplace = random.pick<Workplace>(['onsite', 'onsite', 'onsite', 'hybrid', 'hybrid', 'remote', 'remote'])
  const places = workplace === 'remote' ? [] : random.sample(PLACES, random.chance(0.15) ? random.int(2, 3) : 1)
  const remoteArea = workplace === 'remote' ? random.pick([...REMOTE_AREAS, null]) : null
  const location = formatLocation(places, remoteArea)
  let title = seniority ? `${seniority} ${role.title}` : role.title
  if (places[0]?.country === 'Germany' && random.chance(0.5)) title += ' (m/w/d)'

  const skills = random.sample(role.skills, random.int(3, Math.min(6, role.skills.length)))
  const employmentType = pickEmploymentType(random, seniority)
  const datePosted = addDays(CATALOG_REFERENCE_DATE, -random.int(0, 90))
  const validThrough = random.chance(0.1) ? null : addDays(datePosted, random.int(30, 120))
  const status: ListingStatus = validThrough !== null && validThrough < today ? 'expired' : 'active'
  return {
    random,
    id,
    role,
    seniority,
    company,
    workplace,
    places,
    remoteArea,
    location,
    title,
    skills,
    employmentType,
    datePosted,
    validThrough,
    status
  }
}

/** Listing `index` of the catalogue of `seed`, whatever the catalogue's count: churn adds listings past the end. */
export function generateListing(seed: number, index: number, today: string): CatalogListing {
  const {
    random,
    id,
    company,
    workplace,
    places,
    remoteArea,
    location,
    title,
    skills,
    employmentType,
    datePosted,
    validThrough,
    status
  } = drawListingHead(seed, index, today)
  return {
    id,
    title,
    company,
    companyUrl: `https://${company
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')}.example`,
    workplace,
    places,
    remoteArea,
    location,
    employmentType,
    salary: pickSalary(random, places[0]?.currency ?? random.pick(['USD', 'EUR']), employmentType),
    skills,
    datePosted,
    validThrough,
    status,
    description: generateDescription(random, { company, title, skills, workplace, location, remoteArea }),
    page: {
      structure: random.pick<PageStructure>([
        'json-ld',
        'json-ld',
        'json-ld',
        'json-ld-array',
        'json-ld-graph',
        'json-ld-graph',
        'microdata',
        'microdata'
      ]),
      descriptionFormat: random.pick<DescriptionFormat>(['text', 'html', 'html', 'html-entities']),
      breadcrumbs: random.chance(0.3)
    }
  }
}

/**
 * "City, Region, Country" per place, places joined by "; "; a remote job is "Remote" or
 * "Remote (Area)". This is the one string the page shows and the scraper should rebuild.
 */
export function formatLocation(places: readonly Place[], remoteArea: string | null): string {
  if (places.length === 0) return remoteArea === null ? 'Remote' : `Remote (${remoteArea})`
  return places.map((place) => shownPlaceParts(place).join(', ')).join('; ')
}

/** The parts of a place a page shows: a city-state is "Singapore", not "Singapore, Singapore". */
function shownPlaceParts(place: Place): string[] {
  const parts: string[] = []
  for (const part of [place.city, place.region, place.country])
    if (part !== null && !parts.includes(part)) parts.push(part)
  return parts
}

function pickEmploymentType(random: SeededRandom, seniority: string): string[] {
  if (seniority === 'Junior' && random.chance(0.3)) return ['INTERN']
  const roll = random.next()
  if (roll < 0.65) return ['FULL_TIME']
  if (roll < 0.75) return ['FULL_TIME', 'PART_TIME']
  return [random.pick(EMPLOYMENT_TYPES.filter((type) => type !== 'FULL_TIME' && type !== 'INTERN'))]
}

/** Rough yearly pay per unit of each currency's worth, so amounts look plausible. */
const YEARLY_SCALE: Record<string, number> = {
  USD: 1,
  EUR: 0.85,
  GBP: 0.75,
  CHF: 1.1,
  CAD: 1.2,
  SEK: 9,
  PLN: 3,
  INR: 20,
  JPY: 110,
  SGD: 1.2,
  AUD: 1.3,
  BRL: 2.5,
  ILS: 3.5
}

function pickSalary(random: SeededRandom, currency: string, employmentType: readonly string[]): CatalogSalary | null {
  if (random.chance(0.25)) return null
  const hourly = employmentType.includes('CONTRACTOR') || employmentType.includes('TEMPORARY') || random.chance(0.08)
  const unit: SalaryUnit = hourly ? 'HOUR' : random.chance(0.15) ? 'MONTH' : 'YEAR'
  const yearly = random.int(45, 190) * 1000 * (YEARLY_SCALE[currency] ?? 1)
  const perUnit = (amount: number): number =>
    unit === 'YEAR'
      ? Math.round(amount / 1000) * 1000
      : unit === 'MONTH'
        ? Math.round(amount / 12 / 100) * 100
        : Math.round(amount / 1800 / 0.5) * 0.5
  const min = perUnit(yearly)
  const max = random.chance(0.3) ? min : perUnit(yearly * (1.1 + random.next() * 0.4))
  return { min, max, currency, unit }
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}
