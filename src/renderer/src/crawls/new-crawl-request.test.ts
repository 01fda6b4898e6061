import { describe, expect, it } from 'vitest'
import { MAX_ID_LIST_BYTES } from '../../../shared/crawl'
import { boardRequest, idsFileProblem, startRequest } from './new-crawl-request'
import type { NewCrawlValues } from './new-crawl-request'

const values: NewCrawlValues = {
  source: 'sitemap',
  sourceNames: [],
  of: 'jobboard',
  sitemapUrl: '',
  idsText: '',
  refresh: false,
  maxAttempts: 3,
  name: ''
}

describe('new crawl request', () => {
  it('builds each source with the options, leaving an empty name out', () => {
    expect(boardRequest({ refresh: true, maxAttempts: 2, name: ' ' })).toEqual({
      ok: true,
      request: { source: { kind: 'board' }, refresh: true, maxAttempts: 2 }
    })
    expect(startRequest({ ...values, sitemapUrl: ' https://jobs.example/sitemap.xml ', name: 'nightly' })).toEqual({
      ok: true,
      request: {
        source: { kind: 'sitemap', url: 'https://jobs.example/sitemap.xml' },
        refresh: false,
        maxAttempts: 3,
        name: 'nightly'
      }
    })
    expect(startRequest({ ...values, source: 'ids', idsText: '1\n2\n' })).toMatchObject({
      ok: true,
      request: { source: { kind: 'ids', text: '1\n2\n' } }
    })
  })

  it('explains what is missing or wrong before anything is sent', () => {
    expect(startRequest(values)).toMatchObject({
      ok: false,
      error: { kind: 'InvalidCrawl', message: 'Type the URL of a sitemap first.' }
    })
    expect(startRequest({ ...values, source: 'ids', idsText: ' \n' })).toMatchObject({
      ok: false,
      error: { message: 'Paste ids or choose a file first.' }
    })
    expect(startRequest({ ...values, sitemapUrl: 'ftp://x/s.xml' })).toMatchObject({
      ok: false,
      error: { message: /^Sitemap URL: A sitemap URL is an http\(s\) URL/ }
    })
    expect(startRequest({ ...values, sitemapUrl: 'http://x/s.xml', maxAttempts: 11 })).toMatchObject({
      ok: false,
      error: { message: /^Max attempts:/ }
    })
  })

  it('crawls the sources ticked as one crawl, and says whose pages a sitemap or a list holds', () => {
    expect(startRequest({ ...values, source: 'sources', sourceNames: ['jobboard', 'board-b'] })).toEqual({
      ok: true,
      request: { source: { kind: 'sources', names: ['jobboard', 'board-b'] }, refresh: false, maxAttempts: 3 }
    })
    expect(startRequest({ ...values, source: 'sources' })).toMatchObject({
      ok: false,
      error: { message: 'Tick at least one source first.' }
    })
    expect(startRequest({ ...values, sitemapUrl: 'https://b.example/s.xml', of: 'board-b' })).toMatchObject({
      ok: true,
      request: { source: { kind: 'sitemap', url: 'https://b.example/s.xml', source: 'board-b' } }
    })
    expect(startRequest({ ...values, source: 'ids', idsText: '7', of: 'board-b' })).toMatchObject({
      ok: true,
      request: { source: { kind: 'ids', text: '7', source: 'board-b' } }
    })
  })

  it('refuses a file over the limit by its size alone', () => {
    expect(idsFileProblem({ name: 'ids.csv', size: MAX_ID_LIST_BYTES })).toBeNull()
    expect(idsFileProblem({ name: 'big.csv', size: MAX_ID_LIST_BYTES + 1 })).toMatchObject({
      kind: 'InvalidCrawl',
      message: /^big\.csv is 8\.0 MiB/
    })
  })
})
