import { describe, expect, it } from 'vitest'
import { generateCatalog } from './catalog.js'
import { checkHostileSettings, pickHostileIds, withParserBomb } from './hostile-pages.js'

describe('hostile pages', () => {
  const { entries } = generateCatalog()

  it('picks the asked number of active listings, spread over the catalog, the same every time', () => {
    const ids = pickHostileIds(entries, 3)
    expect(ids.size).toBe(3)
    expect(pickHostileIds(entries, 3)).toEqual(ids)
    const picked = entries.filter((entry) => ids.has(entry.id))
    for (const entry of picked) expect(entry.status).toBe('active')
    // Spread: at the start of each third of the active listings.
    const active = entries.filter((entry) => entry.status === 'active')
    expect(picked.map((entry) => active.indexOf(entry))).toEqual(
      [0, 1, 2].map((k) => Math.floor((k * active.length) / 3))
    )
    expect(pickHostileIds(entries, 0).size).toBe(0)
  })

  it('refuses more hostile listings than active ones, and bad settings', () => {
    expect(() => pickHostileIds(entries, entries.length)).toThrow(/more than the \d+ active listings/)
    expect(() => checkHostileSettings({ count: -1, nesting: 10 })).toThrow(/count must be a whole number/)
    expect(() => checkHostileSettings({ count: 1, nesting: 0 })).toThrow(
      /nesting must be a whole number from 1 to 80000/
    )
    expect(() => checkHostileSettings({ count: 1, nesting: 80_001 })).toThrow(/nesting/)
  })

  it('adds the nested markup inside the posting, never closed, keeping the page under the scraper cap', () => {
    const page = '<html><body><article class="job"><h1>T</h1></article><aside></aside></body></html>'
    const hostile = withParserBomb(page, 3)
    expect(hostile).toBe(
      '<html><body><article class="job"><h1>T</h1><div class="job-extras">' +
        '<b><i><u><s><em><strong><font><a href="#">'.repeat(3) +
        'Apply today</div></article><aside></aside></body></html>'
    )
    expect(withParserBomb(page, 80_000).length).toBeLessThan(5 * 1024 * 1024)
  })
})
