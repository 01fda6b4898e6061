import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { PanelApi } from '../../../shared/contract'
import { PanelApiContext } from '../api/panel-context'
import { NewCrawlForm } from './NewCrawlForm'
import { missingSource } from './new-crawl-request'

describe('New crawl form', () => {
  it('opens with the board crawl as its one main action, the sitemap button disabled until a URL is typed', () => {
    const markup = renderToStaticMarkup(
      createElement(
        PanelApiContext.Provider,
        { value: {} as PanelApi },
        createElement(NewCrawlForm, { onStarted: () => {}, sources: null })
      )
    )
    const buttonTag = (testId: string): string =>
      markup.match(new RegExp(`<button[^>]*data-testid="${testId}"[^>]*>`))?.[0] ?? ''
    expect(buttonTag('crawl-new-board')).toMatch(/class="button button--primary"/)
    expect(buttonTag('crawl-new-board')).not.toMatch(/disabled/)
    expect(buttonTag('crawl-new-start')).toMatch(/class="button"/)
    expect(buttonTag('crawl-new-start')).toMatch(/disabled=""/)
    expect(buttonTag('crawl-new-start')).toMatch(/title="Type the URL of a sitemap first."/)
  })

  it('enables the sitemap or ids button once its source is given', () => {
    expect(missingSource({ source: 'sitemap', sitemapUrl: '  ', idsText: '' })).toBe('Type the URL of a sitemap first.')
    expect(missingSource({ source: 'sitemap', sitemapUrl: 'https://jobs.example/sitemap.xml', idsText: '' })).toBeNull()
    expect(missingSource({ source: 'ids', sitemapUrl: 'https://x/s.xml', idsText: '' })).toBe(
      'Paste ids or choose a file first.'
    )
    expect(missingSource({ source: 'ids', sitemapUrl: '', idsText: '1\n' })).toBeNull()
  })
})
