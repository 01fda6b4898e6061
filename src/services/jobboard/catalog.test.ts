import { describe, expect, it } from 'vitest'
import { isValidListingId } from '../../shared/listing.js'
import { PAGE_STRUCTURES, formatLocation, generateCatalog } from './catalog.js'

describe('generateCatalog', () => {
  const catalog = generateCatalog()
  const { listings } = catalog

  it('defaults to 300 listings and is identical for the same options', () => {
    expect(listings).toHaveLength(300)
    expect(generateCatalog().listings).toEqual(listings)
    expect(catalog.entries).toEqual(
      listings.map((l, index) => ({ id: l.id, index, datePosted: l.datePosted, status: l.status }))
    )
  })

  it('generates a listing again identically after the cache has let it go', () => {
    const big = generateCatalog({ count: 5000 })
    const first = big.at(0)
    for (let i = 1; i < 5000; i++) big.at(i)
    const again = big.at(0)
    expect(again).not.toBe(first)
    expect(again).toEqual(first)
  })

  it('finds a listing by id, and nothing for ids that are not in the catalog', () => {
    const big = generateCatalog({ count: 2000 })
    const last = big.entries[1999]!
    expect(big.byId.get(last.id)?.id).toBe(last.id)
    for (const id of [
      '1',
      '0200000',
      String(Number(last.id) + 1),
      '999999999',
      'abc',
      '',
      String(Number(big.entries[5]!.id) + 1)
    ]) {
      expect(big.byId.get(id), id).toBeUndefined()
    }
    expect(() => big.at(2000)).toThrow(RangeError)
  })

  it('holds 50,000 listings as entries, each generated whole on demand with the same id, date and status', () => {
    const big = generateCatalog({ count: 50_000 })
    expect(big.entries).toHaveLength(50_000)
    expect(new Set(big.entries.map((e) => e.id)).size).toBe(50_000)
    for (const index of [0, 12_345, 49_999]) {
      const listing = big.at(index)
      expect({ id: listing.id, index, datePosted: listing.datePosted, status: listing.status }).toEqual(
        big.entries[index]
      )
    }
  })

  it('changes with the seed, and a longer catalog extends a shorter one', () => {
    expect(generateCatalog({ seed: 2 }).listings.map((l) => l.id)).not.toEqual(listings.map((l) => l.id))
    const longer = generateCatalog({ count: 500 })
    expect(longer.listings.slice(0, 300)).toEqual(listings)
  })

  it('gives unique ids that the scraper accepts, numeric like Stack Overflow ids', () => {
    expect(new Set(listings.map((l) => l.id)).size).toBe(listings.length)
    for (const listing of listings) {
      expect(isValidListingId(listing.id)).toBe(true)
      expect(listing.id).toMatch(/^\d{6}$/)
    }
    expect(catalog.byId.get(listings[10]!.id)).toBe(listings[10])
  })

  it('uses every page structure and description format, with breadcrumbs on some pages', () => {
    const structures = new Set(listings.map((l) => l.page.structure))
    expect([...structures].sort()).toEqual([...PAGE_STRUCTURES].sort())
    expect(new Set(listings.map((l) => l.page.descriptionFormat))).toEqual(new Set(['text', 'html', 'html-entities']))
    const jsonLd = listings.filter((l) => l.page.structure !== 'microdata').length
    expect(jsonLd / listings.length).toBeGreaterThan(0.6)
    expect(listings.some((l) => l.page.breadcrumbs)).toBe(true)
  })

  it('has some expired listings, mostly active ones, and some that never expire', () => {
    const expired = listings.filter((l) => l.status === 'expired')
    expect(expired.length).toBeGreaterThan(20)
    expect(expired.length).toBeLessThan(listings.length / 2)
    for (const listing of expired) expect(listing.validThrough! < catalog.options.today).toBe(true)
    expect(listings.some((l) => l.validThrough === null && l.status === 'active')).toBe(true)
  })

  it('judges expiry against the injected today', () => {
    const later = generateCatalog({ today: '2027-06-01' })
    const count = (c: typeof catalog): number => c.listings.filter((l) => l.status === 'expired').length
    expect(count(later)).toBeGreaterThan(count(catalog))
    // Only the status moves: ids, dates and pages stay put.
    expect(later.listings.map(({ status: _, ...rest }) => rest)).toEqual(listings.map(({ status: _, ...rest }) => rest))
    expect(generateCatalog({ today: '2026-01-01' }).listings.every((l) => l.status === 'active')).toBe(true)
  })

  it('varies salaries: none, ranges, single figures, hourly, monthly, several currencies', () => {
    const salaries = listings.map((l) => l.salary)
    expect(salaries.filter((s) => s === null).length).toBeGreaterThan(20)
    const present = salaries.filter((s) => s !== null)
    expect(present.some((s) => s.min === s.max)).toBe(true)
    expect(present.some((s) => s.min < s.max)).toBe(true)
    expect(new Set(present.map((s) => s.unit))).toEqual(new Set(['HOUR', 'MONTH', 'YEAR']))
    expect(new Set(present.map((s) => s.currency)).size).toBeGreaterThanOrEqual(6)
    for (const s of present) expect(s.min).toBeGreaterThan(0)
  })

  it('varies locations: on-site, hybrid, remote with and without an area, several places', () => {
    expect(new Set(listings.map((l) => l.workplace))).toEqual(new Set(['onsite', 'hybrid', 'remote']))
    expect(listings.some((l) => l.places.length > 1)).toBe(true)
    expect(listings.some((l) => l.location === 'Remote')).toBe(true)
    expect(listings.some((l) => l.location.startsWith('Remote ('))).toBe(true)
    expect(new Set(listings.flatMap((l) => l.places.map((p) => p.country))).size).toBeGreaterThan(10)
  })

  it('varies titles, companies, employment types and skills, and includes characters that need escaping', () => {
    expect(new Set(listings.map((l) => l.title)).size).toBeGreaterThan(60)
    expect(new Set(listings.map((l) => l.company)).size).toBeGreaterThan(15)
    expect(new Set(listings.flatMap((l) => l.employmentType)).size).toBeGreaterThanOrEqual(4)
    for (const listing of listings) expect(listing.skills.length).toBeGreaterThanOrEqual(3)
    expect(listings.some((l) => /[&<"']/.test(l.company))).toBe(true)
    expect(listings.some((l) => l.description.some((b) => b.kind === 'code' && b.text.includes('</script>')))).toBe(
      true
    )
  })

  it('rejects bad options with the reason', () => {
    expect(() => generateCatalog({ count: 0 })).toThrow(/count must be an integer from 1/)
    expect(() => generateCatalog({ seed: -1 })).toThrow(/seed must be a non-negative integer/)
    expect(() => generateCatalog({ today: '1 Dec 2026' })).toThrow(/YYYY-MM-DD/)
  })
})

describe('formatLocation', () => {
  it('joins city, region and country, and places with "; "', () => {
    const berlin = { city: 'Berlin', region: null, country: 'Germany', currency: 'EUR' }
    const austin = { city: 'Austin', region: 'TX', country: 'United States', currency: 'USD' }
    expect(formatLocation([berlin, austin], null)).toBe('Berlin, Germany; Austin, TX, United States')
    expect(formatLocation([], null)).toBe('Remote')
    expect(formatLocation([], 'Europe')).toBe('Remote (Europe)')
    expect(formatLocation([{ city: 'Singapore', region: null, country: 'Singapore', currency: 'SGD' }], null)).toBe(
      'Singapore'
    )
  })
})
