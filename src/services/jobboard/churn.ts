/**
 * A board that changes between crawls: each epoch adds `new` listings, changes `changed`
 * live ones (title, salary or skills) and removes `removed` live ones (their page answers
 * 404 and the sitemap drops them). Which ones is drawn from the catalogue's seed and the
 * epoch's number, so a board moved N epochs is the same board on every run; only the
 * epochs' times come from the clock. The truth between two epochs is computed from the
 * versions each listing had then, so it names exactly what a crawler should find.
 */
import type { Catalog, CatalogListing, CatalogSalary } from './catalog.js'
import { generateListing } from './catalog.js'
import { createSeededRandom, hashSeed } from './seeded-random.js'
import type { SeededRandom } from './seeded-random.js'

export interface ChurnSettings {
  /** Listings added per epoch. */
  new: number
  /** Live listings changed per epoch. */
  changed: number
  /** Live listings removed per epoch. */
  removed: number
  /** Move one epoch this often by the clock; null: only `POST /_epoch` moves it. */
  everyMs: number | null
}

/** The fields a churn changes, named as the scraper's listing names them. */
const CHURN_FIELDS = ['title', 'salary', 'skills'] as const
type ChurnField = (typeof CHURN_FIELDS)[number]

/** One version of a listing: as it is from `epoch` on (null: removed), since `at`. */
interface Version {
  epoch: number
  at: string
  listing: CatalogListing | null
}

/** What changed between two epochs, as a crawler comparing them should find it. */
export interface ChurnTruth {
  from: number
  to: number
  new: string[]
  changed: { id: string; fields: ChurnField[] }[]
  removed: string[]
}

interface ListingVersion {
  listing: CatalogListing
  /** The epoch it last changed in (0: as generated). */
  epoch: number
  /** When it last changed: an ISO time, or the day it was posted for an untouched listing. */
  lastmod: string
}

export interface BoardChurn {
  readonly settings: ChurnSettings | null
  readonly epoch: number
  /** When the current epoch began (null before the first move). */
  readonly epochAt: string | null
  /** The listing as it is now; undefined when there is none or it was removed. */
  current(id: string): ListingVersion | undefined
  /** Every listing the sitemap lists now, in catalogue order then by when it was added. */
  listed(): { id: string; lastmod: string }[]
  /** Moves one epoch; answers what it changed. */
  advance(now?: Date): ChurnTruth
  truth(from: number, to: number): ChurnTruth
  stop(): void
}

const SKILL_POOL = ['Kubernetes', 'Rust', 'GraphQL', 'Terraform', 'Kafka', 'Elixir', 'Scala', 'Snowflake']
const TITLE_TAGS = ['(Team Lead)', '(Platform)', '(Payments)', '(Growth)', '(Infrastructure)', '(Data)']

/** `"N/C/R"` or `"N/C/R/EVERY_MS"`, or `{"new":N,"changed":C,"removed":R,"everyMs":MS}`; "" for none. */
export function parseChurn(text: string): ChurnSettings | null {
  const trimmed = text.trim()
  if (trimmed === '') return null
  let parts: unknown[]
  if (trimmed.startsWith('{')) {
    const value = JSON.parse(trimmed) as Record<string, unknown>
    parts = [value['new'], value['changed'], value['removed'], value['everyMs'] ?? null]
  } else {
    parts = trimmed.split('/').map((part) => (/^\d{1,9}$/.test(part) ? Number(part) : part))
    if (parts.length === 3) parts.push(null)
  }
  const [added, changed, removed, everyMs] = parts
  const count = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0
  if (parts.length !== 4 || !count(added) || !count(changed) || !count(removed))
    throw new Error(`expected "NEW/CHANGED/REMOVED" or "NEW/CHANGED/REMOVED/EVERY_MS" (whole numbers), got "${text}"`)
  if (everyMs !== null && !(Number.isInteger(everyMs) && (everyMs as number) >= 100))
    throw new Error(`the epoch's period is a whole number of ms, at least 100, got "${String(everyMs)}"`)
  return { new: added, changed, removed, everyMs: everyMs as number | null }
}

export function createBoardChurn(catalog: Catalog, settings: ChurnSettings | null): BoardChurn {
  const { seed, today, count } = catalog.options
  const history = new Map<string, Version[]>()
  const added: string[] = []
  const epochs: string[] = []
  // Live, active listings a churn may change or remove, in a stable order.
  let live: string[] = catalog.entries.filter((entry) => entry.status === 'active').map((entry) => entry.id)

  const versionAt = (id: string, epoch: number): CatalogListing | null => {
    const versions = history.get(id)
    let found: Version | undefined
    for (const version of versions ?? []) if (version.epoch <= epoch) found = version
    if (found !== undefined) return found.listing
    // Untouched by then: a base listing as generated; an added one did not exist yet.
    return catalog.byId.get(id) ?? null
  }

  const advance = (now = new Date()): ChurnTruth => {
    const epoch = epochs.length + 1
    const last = epochs.at(-1)
    // A second at least after the last epoch: Last-Modified has whole seconds.
    const at = new Date(Math.max(now.getTime(), last === undefined ? 0 : Date.parse(last) + 1000)).toISOString()
    epochs.push(at)
    const random = createSeededRandom(hashSeed(seed, 'churn', epoch))
    const picked = random.sample(live, (settings?.changed ?? 0) + (settings?.removed ?? 0))
    const changedIds = picked.slice(0, settings?.changed ?? 0)
    const removedIds = new Set(picked.slice(settings?.changed ?? 0))
    for (const id of changedIds) {
      const before = versionAt(id, epoch - 1)
      if (before === null) continue
      const version = { epoch, at, listing: mutate(before, random) }
      history.set(id, [...(history.get(id) ?? []), version])
    }
    for (const id of removedIds) history.set(id, [...(history.get(id) ?? []), { epoch, at, listing: null }])
    live = live.filter((id) => !removedIds.has(id))
    for (let i = 0; i < (settings?.new ?? 0); i++) {
      const listing = freshListing(generateListing(seed, count + added.length, today))
      added.push(listing.id)
      live.push(listing.id)
      history.set(listing.id, [{ epoch, at, listing }])
    }
    return truth(epoch - 1, epoch)
  }

  const truth = (from: number, to: number): ChurnTruth => {
    const result: ChurnTruth = { from, to, new: [], changed: [], removed: [] }
    for (const [id, versions] of history) {
      if (!versions.some((v) => v.epoch > from && v.epoch <= to)) continue
      const before = versionAt(id, from)
      const after = versionAt(id, to)
      if (before === null && after !== null) result.new.push(id)
      else if (before !== null && after === null) result.removed.push(id)
      else if (before !== null && after !== null) {
        const fields = CHURN_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
        if (fields.length > 0) result.changed.push({ id, fields })
      }
    }
    result.new.sort()
    result.removed.sort()
    result.changed.sort((a, b) => a.id.localeCompare(b.id))
    return result
  }

  const timer =
    settings?.everyMs == null
      ? null
      : setInterval(() => {
          advance()
        }, settings.everyMs)
  timer?.unref()

  return {
    settings,
    get epoch() {
      return epochs.length
    },
    get epochAt() {
      return epochs.at(-1) ?? null
    },
    current(id) {
      const versions = history.get(id)
      const latest = versions?.at(-1)
      if (latest === undefined) {
        const listing = catalog.byId.get(id)
        return listing === undefined ? undefined : { listing, epoch: 0, lastmod: listing.datePosted }
      }
      return latest.listing === null ? undefined : { listing: latest.listing, epoch: latest.epoch, lastmod: latest.at }
    },
    listed() {
      const rows: { id: string; lastmod: string }[] = []
      for (const entry of catalog.entries) {
        const latest = history.get(entry.id)?.at(-1)
        if (latest === undefined) rows.push({ id: entry.id, lastmod: entry.datePosted })
        else if (latest.listing !== null) rows.push({ id: entry.id, lastmod: latest.at })
      }
      for (const id of added) {
        const latest = history.get(id)?.at(-1)
        if (latest?.listing != null) rows.push({ id, lastmod: latest.at })
      }
      return rows
    },
    advance,
    truth,
    stop() {
      if (timer !== null) clearInterval(timer)
    }
  }
}

/** A listing added by a churn is open: one generated already past its end would be a 410 from its first day. */
function freshListing(listing: CatalogListing): CatalogListing {
  return listing.status === 'active' ? listing : { ...listing, status: 'active', validThrough: null }
}

/** One or two of the churn's fields changed; the description is kept as it was written. */
function mutate(listing: CatalogListing, random: SeededRandom): CatalogListing {
  const fields = random.sample(CHURN_FIELDS, random.int(1, 2))
  let next = { ...listing }
  for (const field of fields) next = { ...next, ...changeField(next, field, random) }
  return next
}

function changeField(listing: CatalogListing, field: ChurnField, random: SeededRandom): Partial<CatalogListing> {
  if (field === 'title') {
    const unused = TITLE_TAGS.filter((t) => !listing.title.includes(t))
    const tag = random.pick(unused.length > 0 ? unused : TITLE_TAGS)
    return { title: `${listing.title} ${tag}` }
  }
  if (field === 'skills') {
    const extra = SKILL_POOL.filter((skill) => !listing.skills.includes(skill))
    return { skills: [...listing.skills, random.pick(extra.length > 0 ? extra : SKILL_POOL)].slice(-8) }
  }
  return { salary: raised(listing.salary, listing.places[0]?.currency ?? 'EUR') }
}

/** A salary raised by a tenth (an hourly one by a whole unit), or one given where there was none. */
function raised(salary: CatalogSalary | null, currency: string): CatalogSalary {
  if (salary === null) return { min: 60_000, max: 75_000, currency, unit: 'YEAR' }
  const step = (n: number): number =>
    salary.unit === 'HOUR'
      ? n + 1
      : salary.unit === 'MONTH'
        ? Math.round((n * 1.1) / 100) * 100
        : Math.round((n * 1.1) / 1000) * 1000
  return { ...salary, min: step(salary.min), max: step(salary.max) }
}
