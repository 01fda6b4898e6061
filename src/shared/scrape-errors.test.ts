import { describe, expect, it } from 'vitest'
import { PANEL_ERROR_KINDS } from './panel-error'
import { SCRAPE_ERROR_KINDS, SCRAPE_ERROR_RETRY, scrapeErrorPath } from './scrape-errors'

describe('scrape error kinds', () => {
  it('are all panel error kinds, so the panel maps each one by name', () => {
    for (const kind of SCRAPE_ERROR_KINDS) expect(PANEL_ERROR_KINDS).toContain(kind)
  })

  it('say whether a retry can help: a hostile or oversized page stays so', () => {
    expect(SCRAPE_ERROR_RETRY.PageTooComplex).toBe('permanent')
    expect(SCRAPE_ERROR_RETRY.PageTooLarge).toBe('permanent')
    expect(SCRAPE_ERROR_RETRY.SourceTimeout).toBe('transient')
    expect(scrapeErrorPath('PageTooComplex')).toBe('scrapedeck.scraper.PageTooComplex')
  })
})
