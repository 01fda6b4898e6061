import { describe, expect, it } from 'vitest'
import type { Listing } from '../../../shared/listing'
import { classify, diffFields, normalisedFields, unchangedSince, validatorsOf } from './change-rules'
import type { RegistryDoc } from './change-rules'

const listing = (overrides: Partial<Listing> = {}): Listing => ({
  ID: '200123',
  JSON: {},
  title: 'Data Engineer',
  company: 'Acme',
  location: 'Berlin, Germany',
  employmentType: ['FULL_TIME'],
  datePosted: '2026-11-03',
  validThrough: null,
  salary: { min: 60000, max: 70000, currency: 'EUR', unit: 'YEAR' },
  skills: ['SQL', 'Python'],
  description: 'Build  pipelines.',
  url: 'http://board/jobs/200123',
  scrapedAt: '2026-12-07T10:00:00.000Z',
  extractedFrom: 'json-ld',
  ...overrides
})
const context = (crawlId: string, lastmod: string | null = '2026-11-03') => ({
  crawlId,
  source: 'jobboard',
  listingId: '200123',
  at: '2026-12-07T10:00:00.000Z',
  lastmod
})
const validators = { etag: '"200123-0"', lastModified: 'Tue, 03 Nov 2026 00:00:00 GMT' }

function firstSeen(): RegistryDoc {
  return classify(null, { kind: 'page', listing: listing(), validators }, context('c1')).next
}

describe('change rules', () => {
  it('calls a listing new the first time, with its record whole', () => {
    const { change, next } = classify(null, { kind: 'page', listing: listing(), validators }, context('c1'))
    expect(change).toEqual({ kind: 'new', fields: [], reason: null })
    expect(next).toMatchObject({ firstSeenAt: '2026-12-07T10:00:00.000Z', etag: '"200123-0"', lastmod: '2026-11-03' })
    expect(next.hash).toMatch(/^[0-9a-f]{32}$/)
  })

  it('ignores what changes on every fetch, whitespace and the order of lists', () => {
    const again = listing({
      scrapedAt: '2026-12-08T00:00:00.000Z',
      url: 'http://other/jobs/200123',
      JSON: { x: 1 },
      skills: ['Python', 'SQL'],
      description: 'Build pipelines.'
    })
    expect(classify(firstSeen(), { kind: 'page', listing: again, validators }, context('c2')).change.kind).toBe(
      'unchanged'
    )
  })

  it('names each changed field, old → new', () => {
    const changed = listing({
      title: 'Data Engineer (Platform)',
      salary: { min: 66000, max: 77000, currency: 'EUR', unit: 'YEAR' }
    })
    const { change, next } = classify(firstSeen(), { kind: 'page', listing: changed, validators }, context('c2'))
    expect(change.kind).toBe('changed')
    expect(change.fields).toEqual([
      { field: 'title', old: 'Data Engineer', new: 'Data Engineer (Platform)' },
      { field: 'salary', old: '60,000–70,000 EUR a year', new: '66,000–77,000 EUR a year' }
    ])
    expect(next.lastChangedAt).toBe('2026-12-07T10:00:00.000Z')
  })

  it('takes a 304 and an unchanged <lastmod> as unchanged, a 404 as gone once, a failure as failed', () => {
    const record = firstSeen()
    expect(classify(record, { kind: 'not-modified' }, context('c2')).change.kind).toBe('unchanged')
    expect(classify(record, { kind: 'listed-unchanged' }, context('c2')).change.kind).toBe('unchanged')
    const gone = classify(record, { kind: 'not-found', reason: '410' }, context('c2'))
    expect(gone.change).toEqual({ kind: 'gone', fields: [], reason: '410' })
    expect(classify(gone.next, { kind: 'not-found', reason: '410' }, context('c3')).change.kind).toBe('unchanged')
    // One failed fetch never makes a listing gone, and its <lastmod> is not taken.
    const failed = classify(record, { kind: 'failed', reason: 'SourceTimeout' }, context('c2', '2026-12-01'))
    expect(failed.change.kind).toBe('failed')
    expect(failed.next).toMatchObject({ gone: false, hash: record.hash, lastmod: '2026-11-03' })
    // Gone, then back: new again.
    expect(classify(gone.next, { kind: 'page', listing: listing(), validators }, context('c3')).change.kind).toBe('new')
  })

  it('answers the same when a crawl decides a listing again, except after a failure', () => {
    const changed = classify(firstSeen(), { kind: 'page', listing: listing({ title: 'X' }), validators }, context('c2'))
    expect(
      classify(changed.next, { kind: 'page', listing: listing({ title: 'X' }), validators }, context('c2')).change
    ).toEqual(changed.change)
    const failed = classify(firstSeen(), { kind: 'failed', reason: 'timeout' }, context('c2'))
    expect(classify(failed.next, { kind: 'not-modified' }, context('c2')).change.kind).toBe('unchanged')
  })

  it('skips by <lastmod> only a whole or gone record whose lastmod is not earlier', () => {
    const record = firstSeen()
    expect(unchangedSince(record, '2026-11-03')).toBe(true)
    expect(unchangedSince(record, '2026-11-02T23:00:00Z')).toBe(true)
    expect(unchangedSince(record, '2026-12-07T10:00:00.000Z')).toBe(false)
    expect(unchangedSince(record, null)).toBe(false)
    expect(unchangedSince(null, '2026-11-03')).toBe(false)
    expect(unchangedSince({ ...record, hash: null }, '2026-11-03')).toBe(false)
    expect(validatorsOf(record)).toEqual(validators)
    expect(validatorsOf({ ...record, gone: true })).toBeNull()
  })

  it('shortens a long field in a diff', () => {
    const before = normalisedFields(listing())
    const after = normalisedFields(listing({ description: 'y'.repeat(500) }))
    const [diff] = diffFields(before, after)
    expect(diff!.new).toHaveLength(200)
  })
})
