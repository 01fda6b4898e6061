import { describe, expect, it } from 'vitest'
import {
  parseSitemapPagePath,
  sitemapIndexChunks,
  sitemapPageChunks,
  sitemapPageCount,
  sitemapPagePath
} from './sitemap-xml.js'
import type { SitemapRow } from './sitemap-xml.js'

const entry = (id: string, index: number): SitemapRow => ({ id, lastmod: '2026-11-0' + ((index % 9) + 1) })

describe('sitemap paths', () => {
  it('round-trips page paths, plain and gzip, and refuses anything else', () => {
    expect(sitemapPagePath(3, false)).toBe('/sitemaps/3.xml')
    expect(sitemapPagePath(3, true)).toBe('/sitemaps/3.xml.gz')
    expect(parseSitemapPagePath('/sitemaps/3.xml')).toEqual({ page: 3, gzip: false })
    expect(parseSitemapPagePath('/sitemaps/12.xml.gz')).toEqual({ page: 12, gzip: true })
    for (const path of [
      '/sitemaps/0.xml',
      '/sitemaps/01.xml',
      '/sitemaps/x.xml',
      '/sitemaps/3.xml.zip',
      '/sitemaps/3',
      '/sitemap.xml'
    ]) {
      expect(parseSitemapPagePath(path), path).toBeNull()
    }
  })

  it('counts pages, at least one for an empty board', () => {
    expect(sitemapPageCount(10_000, 3_000)).toBe(4)
    expect(sitemapPageCount(50_000, 50_000)).toBe(1)
    expect(sitemapPageCount(50_001, 50_000)).toBe(2)
    expect(sitemapPageCount(0, 10)).toBe(1)
  })
})

describe('sitemap documents', () => {
  it('writes an index with one escaped <loc> per page', () => {
    const xml = [...sitemapIndexChunks(3, 'http://jobboard:8081', true)].join('')
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
      )
    ).toBe(true)
    expect(xml.match(/<loc>[^<]+<\/loc>/g)).toEqual(
      [1, 2, 3].map((page) => `<loc>http://jobboard:8081/sitemaps/${page}.xml.gz</loc>`)
    )
    expect(xml.trimEnd().endsWith('</sitemapindex>')).toBe(true)
  })

  it('writes a page with a <url> per listing under the site URL, in chunks of at most 500', () => {
    const entries = Array.from({ length: 1201 }, (_, i) => entry(String(200_000 + i), i))
    const chunks = [...sitemapPageChunks(entries, 'http://127.0.0.1:8081')]
    expect(chunks).toHaveLength(5) // head, 500, 500, 201, tail
    const xml = chunks.join('')
    const locs = [...xml.matchAll(/<url><loc>([^<]+)<\/loc><lastmod>(\d{4}-\d{2}-\d{2})<\/lastmod><\/url>/g)]
    expect(locs.map((match) => match[1])).toEqual(entries.map((e) => `http://127.0.0.1:8081/jobs/${e.id}`))
    expect(locs[4]![2]).toBe(entries[4]!.lastmod)
  })

  it('escapes what XML needs escaped in a loc', () => {
    const xml = [...sitemapPageChunks([entry('a.b_c-1', 0)], 'http://x.test/?a=1&b=2')].join('')
    expect(xml).toContain('<loc>http://x.test/?a=1&amp;b=2/jobs/a.b_c-1</loc>')
  })
})
