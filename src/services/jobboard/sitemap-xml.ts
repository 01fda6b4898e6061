/**
 * The board's sitemaps (sitemaps.org protocol): an index over pages of at most 50,000 urls,
 * the protocol's limit, each page listing every listing of its slice of the catalog, expired
 * ones included (a crawler learns they are gone from their 410). Written as chunks of a few
 * hundred urls, so a page of 50,000 is streamed, never built as one string.
 */
import { escapeHtml } from './html-escape.js'
import { listingPath } from './listing-page.js'

/** The protocol's limit on urls per sitemap, and so the largest page size. */
export const SITEMAP_MAX_URLS = 50_000
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'
export const SITEMAP_INDEX_PATH = '/sitemap.xml'

const URLS_PER_CHUNK = 500
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

/** `/sitemaps/3.xml`, or `/sitemaps/3.xml.gz`. */
export function sitemapPagePath(page: number, gzip: boolean): string {
  return `/sitemaps/${page}.xml${gzip ? '.gz' : ''}`
}

/** 1-based page number and gzip flag of a sitemap page path, or null. */
export function parseSitemapPagePath(path: string): { page: number; gzip: boolean } | null {
  const match = /^\/sitemaps\/([1-9]\d{0,6})\.xml(\.gz)?$/.exec(path)
  return match ? { page: Number(match[1]), gzip: match[2] !== undefined } : null
}

export function sitemapPageCount(listings: number, pageSize: number): number {
  return Math.max(1, Math.ceil(listings / pageSize))
}

/** The index: one <sitemap> per page, under `origin` (the address the index was asked on). */
export function* sitemapIndexChunks(pageCount: number, origin: string, gzip: boolean): Generator<string> {
  yield `${XML_DECLARATION}<sitemapindex xmlns="${SITEMAP_NS}">\n`
  for (let start = 1; start <= pageCount; start += URLS_PER_CHUNK) {
    let chunk = ''
    for (let page = start; page < Math.min(start + URLS_PER_CHUNK, pageCount + 1); page += 1) {
      chunk += `<sitemap><loc>${escapeHtml(origin + sitemapPagePath(page, gzip))}</loc></sitemap>\n`
    }
    yield chunk
  }
  yield '</sitemapindex>\n'
}

/** One page: a <url> per listing, its loc under `siteUrl` as the listing's own page links it. */
/** A listing as a sitemap lists it: its id and when it last changed (a day, or an ISO time). */
export interface SitemapRow {
  id: string
  lastmod: string
}

/** `lastmod: false` leaves <lastmod> out, as many boards do. */
export function* sitemapPageChunks(entries: readonly SitemapRow[], siteUrl: string, lastmod = true): Generator<string> {
  yield `${XML_DECLARATION}<urlset xmlns="${SITEMAP_NS}">\n`
  for (let start = 0; start < entries.length; start += URLS_PER_CHUNK) {
    let chunk = ''
    for (const entry of entries.slice(start, start + URLS_PER_CHUNK)) {
      const modified = lastmod ? `<lastmod>${entry.lastmod}</lastmod>` : ''
      chunk += `<url><loc>${escapeHtml(siteUrl + listingPath(entry.id))}</loc>${modified}</url>\n`
    }
    yield chunk
  }
  yield '</urlset>\n'
}
