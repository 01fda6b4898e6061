import { describe, expect, it } from 'vitest'
import type { Listing } from '../../shared/listing'
import { SavedSearchQuerySchema } from '../../shared/saved-search'
import type { SavedSearchQueryInput } from '../../shared/saved-search'
import { matchesSavedSearch, words } from './saved-search-match'
import { matchGroups, matchPages } from './alert-dispatcher'

function listing(over: Partial<Listing>): Listing {
  return {
    ID: '1',
    JSON: {},
    title: 'Senior Rust Engineer',
    company: 'Acme GmbH',
    location: 'Berlin',
    employmentType: ['FULL_TIME'],
    datePosted: '2026-12-01',
    validThrough: null,
    salary: { min: 60000, max: 80000, currency: 'EUR', unit: 'YEAR' },
    skills: ['Rust', 'PostgreSQL'],
    description: 'Build a fast crawler in Node.js and Rust.',
    url: 'http://board/jobs/1',
    scrapedAt: '2026-12-07T07:00:00Z',
    extractedFrom: 'json-ld',
    ...over
  }
}

const q = (input: SavedSearchQueryInput) => SavedSearchQuerySchema.parse(input)
const saved = (name: string, query: SavedSearchQueryInput) => ({
  name,
  query: q(query),
  webhook: null,
  lastMatch: null,
  deliveries: [],
  createdAt: '',
  updatedAt: '',
  secret: 's'
})

describe('matchesSavedSearch', () => {
  it('splits words on anything but letters and digits, lower-cased', () => {
    expect(words('Node.js, TypeScript — Zürich')).toEqual(['node', 'js', 'typescript', 'zürich'])
  })

  it('needs every word, each whole, anywhere in title, company, location, skills or description', () => {
    expect(matchesSavedSearch(listing({}), q({ q: 'rust berlin' }))).toBe(true)
    expect(matchesSavedSearch(listing({}), q({ q: 'RUST acme postgresql crawler' }))).toBe(true)
    expect(matchesSavedSearch(listing({}), q({ q: 'rust python' }))).toBe(false)
    // Whole words: "rus" is not "rust".
    expect(matchesSavedSearch(listing({}), q({ q: 'rus' }))).toBe(false)
    expect(matchesSavedSearch(listing({}), q({ q: '' }))).toBe(true)
  })

  it('applies source, location, salary at least and skills, all of them', () => {
    expect(matchesSavedSearch(listing({}), q({ source: 'jobboard' }))).toBe(true) // no source: the default one
    expect(matchesSavedSearch(listing({ source: 'board-b' }), q({ source: 'jobboard' }))).toBe(false)
    expect(matchesSavedSearch(listing({}), q({ location: 'berlin' }))).toBe(true)
    expect(matchesSavedSearch(listing({}), q({ location: 'Berlin, DE' }))).toBe(false)
    expect(matchesSavedSearch(listing({}), q({ minSalary: 80000 }))).toBe(true)
    expect(matchesSavedSearch(listing({}), q({ minSalary: 80001 }))).toBe(false)
    expect(
      matchesSavedSearch(
        listing({ salary: { min: 70000, max: null, currency: 'EUR', unit: 'YEAR' } }),
        q({ minSalary: 70000 })
      )
    ).toBe(true)
    expect(matchesSavedSearch(listing({ salary: null }), q({ minSalary: 1 }))).toBe(false)
    expect(matchesSavedSearch(listing({}), q({ skills: ['rust', 'POSTGRESQL'] }))).toBe(true)
    expect(matchesSavedSearch(listing({}), q({ skills: ['rust', 'go'] }))).toBe(false)
    expect(
      matchesSavedSearch(listing({}), q({ q: 'engineer', location: 'Berlin', minSalary: 50000, skills: ['Rust'] }))
    ).toBe(true)
  })

  it('groups the matches per saved search and leaves out those with none', () => {
    const listings = [
      listing({ ID: 'a' }),
      listing({ ID: 'b', skills: ['Go'] }),
      listing({ ID: 'c', location: 'Paris' })
    ]
    const groups = matchGroups(
      [saved('rust', { skills: ['rust'] }), saved('none', { q: 'cobol' }), saved('berlin', { location: 'Berlin' })],
      listings
    )
    expect(groups.map((g) => [g.savedSearch.name, g.listings.map((l) => l.ID)])).toEqual([
      ['rust', ['a', 'c']],
      ['berlin', ['a', 'b']]
    ])
  })
})

describe('matchPages', () => {
  async function* pagesOf(count: number, size: number, pulled: { pages: number }): AsyncGenerator<Listing[]> {
    for (let start = 0; start < count; start += size) {
      pulled.pages++
      yield Array.from({ length: Math.min(size, count - start) }, (_, i) =>
        listing({
          ID: String(start + i),
          location: (start + i) % 3 === 0 ? 'Paris' : 'Berlin',
          salary: (start + i) % 4 === 0 ? null : { min: 50000, max: null, currency: 'EUR', unit: 'YEAR' }
        })
      )
    }
  }

  it('answers what matchGroups answers over the whole crawl, page by page', async () => {
    const searches = [saved('paris', { location: 'Paris' }), saved('none', { q: 'cobol' }), saved('all', {})]
    const all: Listing[] = []
    for await (const page of pagesOf(95, 10, { pages: 0 })) all.push(...page)
    const { matches, tally } = await matchPages(searches, pagesOf(95, 10, { pages: 0 }))
    expect(matches.map((m) => [m.savedSearch.name, m.total, m.listings.map((l) => l.ID)])).toEqual(
      matchGroups(searches, all).map((g) => [g.savedSearch.name, g.listings.length, g.listings.map((l) => l.ID)])
    )
    // Every fourth listing has no salary: 0, 4, … 92 are 24 of the 95.
    expect(tally).toEqual({ listings: 95, withSalary: 71 })
  })

  it('keeps at most `keep` listings per saved search over a 12,000-listing crawl, and counts them all', async () => {
    const pulled = { pages: 0 }
    const { matches, tally } = await matchPages(
      [saved('berlin', { location: 'Berlin' }), saved('all', {})],
      pagesOf(12_000, 500, pulled),
      500
    )
    expect(pulled.pages).toBe(24)
    expect(tally.listings).toBe(12_000)
    expect(matches.map((m) => [m.savedSearch.name, m.total, m.listings.length])).toEqual([
      ['berlin', 8000, 500],
      ['all', 12_000, 500]
    ])
    // The first matches, in the crawl's order.
    expect(matches[1]!.listings.map((l) => l.ID).slice(0, 3)).toEqual(['0', '1', '2'])
  })
})
