import { describe, expect, it } from 'vitest'
import { crawlStateLabel, crawlTitle } from './crawl-labels'

describe('crawl labels', () => {
  it('says when a crawl is still reading its source', () => {
    expect(crawlStateLabel({ state: 'running', ingesting: true })).toBe('Running · reading the source')
    expect(crawlStateLabel({ state: 'done', ingesting: false })).toBe('Finished')
    expect(crawlStateLabel({ state: 'cancelled', ingesting: true })).toBe('Cancelled')
  })

  it('titles a crawl by its name, else its source', () => {
    expect(crawlTitle({ name: 'nightly', source: 'board' })).toBe('nightly')
    expect(crawlTitle({ name: '', source: 'list of 3 ids' })).toBe('list of 3 ids')
  })
})
