/**
 * The change rules, pure: what a crawl's observation of a listing (a page, a 304, a 404/410,
 * a failure, an unchanged <lastmod>, absence from a full sitemap) means against the registry's
 * record of it, and the record that follows. A listing's identity over time is the hash of its
 * normalised fields (COMPARED_FIELDS): the page's markup, the time it was scraped and its URL
 * change on every fetch and say nothing about the job.
 */
import { createHash } from 'node:crypto'
import { COMPARED_FIELDS } from '../../../shared/crawl-changes'
import type { ChangeKind, ComparedField, FieldDiff } from '../../../shared/crawl-changes'
import type { Listing } from '../../../shared/listing'
import { formatSalary } from '../../../shared/salary-text'
import type { PageValidators } from '../../scraper/page-validators'

export type NormalisedFields = Record<ComparedField, string | null>

/** What a crawl reported of a listing. */
export interface RecordedChange {
  kind: ChangeKind
  fields: FieldDiff[]
  reason: string | null
}

/** The registry's record of one listing of one source (listing-registry.ts stores it). */
export interface RegistryDoc {
  source: string
  listingId: string
  firstSeenAt: string
  lastSeenAt: string
  /** When its fields last differed from the record's (its first fetch counts). */
  lastChangedAt: string | null
  lastFetchedAt: string | null
  /** Of the normalised fields; null until it was fetched whole once. */
  hash: string | null
  fields: NormalisedFields | null
  etag: string | null
  lastModified: string | null
  /** The sitemap's <lastmod> when it was last fetched or found gone: a later one means a re-fetch. */
  lastmod: string | null
  gone: boolean
  goneAt: string | null
  /** The crawl that wrote this record, and what it reported: a reply decided again reports the same. */
  lastCrawl: string
  lastChange: RecordedChange
}

export type Observation =
  | { kind: 'page'; listing: Listing; validators: PageValidators | null }
  | { kind: 'not-modified' }
  /** The page answered 404 or 410. */
  | { kind: 'not-found'; reason: string }
  | { kind: 'failed'; reason: string }
  /** Not fetched: its <lastmod> is not after the record's. */
  | { kind: 'listed-unchanged' }
  /** A full read of its source's sitemaps no longer lists it. */
  | { kind: 'absent' }

export interface ObservationContext {
  crawlId: string
  source: string
  listingId: string
  at: string
  /** The <lastmod> its sitemap gave it in this crawl, if any. */
  lastmod: string | null
}

const DIFF_TEXT_LIMIT = 200

export function normalisedFields(listing: Listing): NormalisedFields {
  const text = (value: string | null): string | null => {
    const collapsed = value?.replace(/\s+/g, ' ').trim() ?? ''
    return collapsed === '' ? null : collapsed
  }
  // A board listing the same skills in another order has not changed them.
  const list = (values: readonly string[]): string | null =>
    text(
      [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))].sort((a, b) => a.localeCompare(b)).join('; ')
    )
  return {
    title: text(listing.title),
    company: text(listing.company),
    location: text(listing.location),
    employmentType: list(listing.employmentType),
    salary: formatSalary(listing.salary),
    skills: list(listing.skills),
    datePosted: text(listing.datePosted),
    validThrough: text(listing.validThrough),
    description: text(listing.description)
  }
}

function fieldsHash(fields: NormalisedFields): string {
  return createHash('sha256')
    .update(JSON.stringify(COMPARED_FIELDS.map((field) => fields[field])))
    .digest('hex')
    .slice(0, 32)
}

export function diffFields(before: NormalisedFields, after: NormalisedFields): FieldDiff[] {
  const shown = (value: string | null): string | null =>
    value !== null && value.length > DIFF_TEXT_LIMIT ? `${value.slice(0, DIFF_TEXT_LIMIT - 1)}…` : value
  return COMPARED_FIELDS.filter((field) => before[field] !== after[field]).map((field) => ({
    field,
    old: shown(before[field]),
    new: shown(after[field])
  }))
}

/** Whether an ingest may skip a listing: its record is whole (or gone) and its <lastmod> is not later. */
export function unchangedSince(record: RegistryDoc | null, lastmod: string | null): boolean {
  if (record === null || lastmod === null || record.lastmod === null) return false
  if (record.hash === null && !record.gone) return false
  const listed = lastmodTime(lastmod)
  const known = lastmodTime(record.lastmod)
  return listed !== null && known !== null && listed <= known
}

/** The validators to re-fetch a listing with: those of its last whole copy, none for a gone or never-fetched one. */
export function validatorsOf(record: RegistryDoc | null): PageValidators | null {
  if (record === null || record.gone || record.hash === null) return null
  if (record.etag === null && record.lastModified === null) return null
  return { etag: record.etag, lastModified: record.lastModified }
}

/** A sitemap's lastmod (a day, or a W3C date-time) in epoch ms; null when it is not one. */
function lastmodTime(lastmod: string): number | null {
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(lastmod) ? `${lastmod}T00:00:00Z` : lastmod)
  return Number.isNaN(at) ? null : at
}

/** What the observation reports, and the record that follows it. */
export function classify(
  record: RegistryDoc | null,
  observation: Observation,
  context: ObservationContext
): { change: RecordedChange; next: RegistryDoc } {
  // Decided already in this crawl (a write that lost a race is decided again): the same answer.
  // A failure is not final: the crawl's retry fetches it again, against the record it left.
  if (record !== null && record.lastCrawl === context.crawlId && record.lastChange.kind !== 'failed')
    return { change: record.lastChange, next: record }
  const { at } = context
  const base: RegistryDoc = record ?? {
    source: context.source,
    listingId: context.listingId,
    firstSeenAt: at,
    lastSeenAt: at,
    lastChangedAt: null,
    lastFetchedAt: null,
    hash: null,
    fields: null,
    etag: null,
    lastModified: null,
    lastmod: null,
    gone: false,
    goneAt: null,
    lastCrawl: context.crawlId,
    lastChange: { kind: 'new', fields: [], reason: null }
  }
  const seen = { ...base, lastSeenAt: at, lastCrawl: context.crawlId }
  const result = (change: RecordedChange, next: RegistryDoc): { change: RecordedChange; next: RegistryDoc } => ({
    change,
    next: { ...next, lastChange: change }
  })
  const lastmod = context.lastmod ?? base.lastmod
  switch (observation.kind) {
    case 'page': {
      const fields = normalisedFields(observation.listing)
      const hash = fieldsHash(fields)
      const fetched = {
        ...seen,
        lastFetchedAt: at,
        hash,
        fields,
        etag: observation.validators?.etag ?? null,
        lastModified: observation.validators?.lastModified ?? null,
        lastmod,
        gone: false,
        goneAt: null
      }
      if (record === null || record.gone || record.hash === null || record.fields === null)
        return result({ kind: 'new', fields: [], reason: null }, { ...fetched, lastChangedAt: at })
      if (record.hash === hash) return result({ kind: 'unchanged', fields: [], reason: null }, fetched)
      return result(
        { kind: 'changed', fields: diffFields(record.fields, fields), reason: null },
        { ...fetched, lastChangedAt: at }
      )
    }
    case 'not-modified':
      return result({ kind: 'unchanged', fields: [], reason: null }, { ...seen, lastFetchedAt: at, lastmod })
    case 'listed-unchanged':
      return result({ kind: 'unchanged', fields: [], reason: null }, seen)
    case 'not-found':
      if (record?.gone === true) return result({ kind: 'unchanged', fields: [], reason: null }, { ...seen, lastmod })
      return result(
        { kind: 'gone', fields: [], reason: observation.reason },
        { ...seen, lastmod, gone: true, goneAt: at, lastChangedAt: at }
      )
    case 'absent':
      return result(
        { kind: 'gone', fields: [], reason: 'no longer in the sitemap' },
        { ...base, lastCrawl: context.crawlId, gone: true, goneAt: at, lastChangedAt: at }
      )
    case 'failed':
      // One failed fetch says nothing of the listing: its record stays as it was, and its
      // <lastmod> is not taken, so the next crawl fetches it again.
      return result({ kind: 'failed', fields: [], reason: observation.reason }, seen)
  }
}
