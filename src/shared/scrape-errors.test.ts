import { describe, expect, it } from 'vitest'
import { PANEL_ERROR_KINDS } from './panel-error'
import { SCRAPE_ERROR_KINDS, scrapeErrorPath } from './scrape-errors'

describe('scrape error kinds', () => {
  it('are all panel error kinds, so the panel maps each one by name', () => {
    for (const kind of SCRAPE_ERROR_KINDS) expect(PANEL_ERROR_KINDS).toContain(kind)
    expect(scrapeErrorPath('PageTooComplex')).toBe('scrapedeck.scraper.PageTooComplex')
  })
})
