import { describe, expect, it } from 'vitest'
import type { Listing } from '../../shared/listing'
import { SavedSearchQuerySchema } from '../../shared/saved-search'
import type { SavedSearchQueryInput } from '../../shared/saved-search'
import { matchesSavedSearch, words } from './saved-search-match'
import { matchGroups } from './alert-dispatcher'

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
