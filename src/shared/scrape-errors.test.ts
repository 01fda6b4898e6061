import { describe, expect, it } from 'vitest'
import { PERMANENT_KINDS, TRANSIENT_KINDS } from '../services/crawler/item-outcome'
import { PANEL_ERROR_KINDS } from './panel-error'
import { SCRAPE_ERROR_KINDS, scrapeErrorPath } from './scrape-errors'

describe('scrape error kinds', () => {
  it('are all panel error kinds, so the panel maps each one by name', () => {
    for (const kind of SCRAPE_ERROR_KINDS) expect(PANEL_ERROR_KINDS).toContain(kind)
  })

  it('are each classified by crawls as permanent or transient, a hostile or oversized page as permanent', () => {
    for (const kind of SCRAPE_ERROR_KINDS) expect(PERMANENT_KINDS.has(kind) !== TRANSIENT_KINDS.has(kind), kind).toBe(true)
    for (const kind of ['PageTooComplex', 'PageTooLarge', 'UnreadablePosting', 'TooManyDeliveries']) expect(PERMANENT_KINDS.has(kind), kind).toBe(true)
    expect(scrapeErrorPath('PageTooComplex')).toBe('scrapedeck.scraper.PageTooComplex')
  })
})
