import { describe, expect, it } from 'vitest'
import { EMPTY_SOURCE_FORM, addRequest, editRequest } from './source-form'

const board = { ...EMPTY_SOURCE_FORM, name: 'board-b', listingUrlTemplate: 'https://b.example/jobs/{id}' }

describe('the source form', () => {
  it('builds an add request, a sitemap a line', () => {
    expect(
      addRequest({
        ...board,
        sitemapUrls: ' https://b.example/s1.xml \n\nhttps://b.example/s2.xml',
        maxInFlight: '4',
        minGapMs: '250'
      })
    ).toEqual({
      ok: true,
      request: {
        name: 'board-b',
        listingUrlTemplate: 'https://b.example/jobs/{id}',
        sitemapUrls: ['https://b.example/s1.xml', 'https://b.example/s2.xml'],
        politeness: { maxInFlight: 4, minGapMs: 250, respectRobots: true, autoThrottle: false, onBlocked: 'wait' }
      }
    })
  })

  it('shows each problem beside its field, in the contract words', () => {
    expect(addRequest({ ...board, listingUrlTemplate: 'ftp://b.example/{id}' })).toEqual({
      ok: false,
      problems: { listingUrlTemplate: 'A listing URL template is an http(s) URL' }
    })
    expect(addRequest({ ...board, listingUrlTemplate: 'https://b.example/jobs/' })).toEqual({
      ok: false,
      problems: { listingUrlTemplate: 'A listing URL template contains {id}' }
    })
    expect(addRequest({ ...board, maxInFlight: '0' })).toEqual({
      ok: false,
      problems: { maxInFlight: 'At most N requests in flight: N is at least 1' }
    })
    expect(addRequest({ ...board, minGapMs: 'soon' })).toEqual({ ok: false, problems: { minGapMs: 'A whole number' } })
    expect(addRequest({ ...board, sitemapUrls: 'file:///etc/passwd' })).toEqual({
      ok: false,
      problems: { sitemapUrls: 'A URL here is an absolute http(s) URL' }
    })
    expect(addRequest({ ...board, listingUrlTemplate: '' })).toEqual({
      ok: false,
      problems: { listingUrlTemplate: 'A source needs a listing URL template or at least one sitemap URL' }
    })
    expect(addRequest({ ...board, name: 'Board B' }).ok).toBe(false)
  })

  it('builds an edit request of every field but the name, a cleared template as null', () => {
    expect(editRequest({ ...board, listingUrlTemplate: '', sitemapUrls: 'https://b.example/s.xml' })).toEqual({
      ok: true,
      request: {
        name: 'board-b',
        edit: {
          listingUrlTemplate: null,
          sitemapUrls: ['https://b.example/s.xml'],
          politeness: { maxInFlight: 2, minGapMs: 1000, respectRobots: true, autoThrottle: false, onBlocked: 'wait' }
        }
      }
    })
    expect(editRequest({ ...board, listingUrlTemplate: '' })).toMatchObject({
      ok: false,
      problems: { listingUrlTemplate: 'A source needs a listing URL template or at least one sitemap URL' }
    })
  })
})
