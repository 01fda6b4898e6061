/**
 * Where a crawl's ids come from: a pasted list (parsed by sources/id-list.ts) or sitemaps
 * (streamed by the sitemap reader): the default source's, those of the registered sources a
 * crawl names, or any URL, as one stream of source entries for the ingest. Every id says
 * which source it is of; a source is resolved through the registry (sources/source-store.ts).
 */
import type { CrawlSource } from '../../shared/crawl'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'
import type { Source } from '../../shared/source'
import { parseIdList } from './sources/id-list'
import type { SitemapListing } from './sources/sitemap'
import { CrawlSourceError } from './sources/source-error'
import { SourceError } from '../sources/source-errors'

export type SourceEntry =
  /** `lastmod`: the sitemap's <lastmod> for it; null when it gave none or the id came from a list. */
  | { kind: 'id'; id: string; source: string; lastmod: string | null }
  | { kind: 'invalid'; line: number; text: string; reason: string }
  | { kind: 'duplicate'; line: number; text: string }

/** The signature of sources/sitemap.ts's readSitemapListings, injected so tests can swap it. */
type SitemapReader = (
  url: string,
  options: { template: string; matchOrigin?: boolean; signal?: AbortSignal }
) => AsyncIterable<SitemapListing>

export interface SourceSettings {
  /** The board's sitemap (CRAWL_BOARD_SITEMAP_URL): the default source's at first start. */
  boardSitemapUrl: string
  /** The scraper's source URL template, with `{id}` (SCRAPER_SOURCE_URL_TEMPLATE): the default source's at first start. */
  template: string
  readSitemap: SitemapReader
  /** The registered sources; without one, only the default source, from the two settings above. */
  registry?: { get(name: string): Promise<Source> }
}

export function sourceLabel(source: CrawlSource): string {
  if (source.kind === 'board') return 'board'
  if (source.kind === 'sources') return `sources ${source.names.join(', ')}`
  const of = source.source === undefined ? '' : ` of ${source.source}`
  if (source.kind === 'sitemap') return `sitemap ${source.url}${of}`
  return `list of ids${of}`
}

/** The source names a crawl covers, in order. */
function crawlSourceNames(source: CrawlSource): string[] {
  if (source.kind === 'sources') return source.names
  if (source.kind === 'board') return [DEFAULT_SOURCE_NAME]
  return [source.source ?? DEFAULT_SOURCE_NAME]
}

interface Resolved {
  name: string
  template: string
  sitemapUrls: string[]
}

/** A source a crawl may read: registered, not paused, with a listing URL template. */
async function resolveCrawlSource(name: string, settings: SourceSettings): Promise<Resolved> {
  if (settings.registry === undefined) {
    if (name !== DEFAULT_SOURCE_NAME)
      throw new CrawlSourceError('InvalidCrawl', `Unknown source "${name}"`, 'This coordinator keeps no sources.')
    return { name, template: settings.template, sitemapUrls: [settings.boardSitemapUrl] }
  }
  let source: Source
  try {
    source = await settings.registry.get(name)
  } catch (err) {
    if (err instanceof SourceError && err.kind === 'SourceNotFound') {
      throw new CrawlSourceError(
        'InvalidCrawl',
        `Unknown source "${name}"`,
        'List the sources with `deck source list` (GET /sources); add one with `deck source add`.'
      )
    }
    throw err
  }
  if (source.paused)
    throw new CrawlSourceError(
      'InvalidCrawl',
      `The source "${name}" is paused`,
      `Resume it first: deck source resume ${name}.`
    )
  if (source.listingUrlTemplate === null) {
    throw new CrawlSourceError(
      'InvalidCrawl',
      `The source "${name}" has no listing URL template`,
      'A crawl looks ids up by the template; give the source one (deck source edit).'
    )
  }
  return { name, template: source.listingUrlTemplate, sitemapUrls: source.sitemapUrls }
}

export async function* sourceEntries(
  source: CrawlSource,
  settings: SourceSettings,
  signal?: AbortSignal
): AsyncGenerator<SourceEntry> {
  // Every source is resolved before the first id: a crawl of an unknown source is refused whole.
  const resolved = await Promise.all(crawlSourceNames(source).map((name) => resolveCrawlSource(name, settings)))
  if (source.kind === 'ids') {
    const name = resolved[0]!.name
    for (const entry of parseIdList(source.text)) {
      yield entry.kind === 'id' ? { kind: 'id', id: entry.id, source: name, lastmod: null } : entry
    }
    return
  }
  if (source.kind === 'sitemap') {
    const { name, template } = resolved[0]!
    // A sitemap of any URL must list pages on its source's own origin.
    for await (const { id, lastmod } of settings.readSitemap(source.url, {
      template,
      matchOrigin: true,
      ...(signal ? { signal } : {})
    }))
      yield { kind: 'id', id, source: name, lastmod }
    return
  }
  for (const { name, template, sitemapUrls } of resolved) {
    if (sitemapUrls.length === 0)
      throw new CrawlSourceError(
        'InvalidCrawl',
        `The source "${name}" has no sitemap`,
        `Give it one (deck source edit ${name} --sitemap-url URL), or crawl a list of its ids.`
      )
    for (const url of sitemapUrls) {
      // A source's own sitemap may name it by its published address rather than the template's
      // host (a board reached by its compose service name); the id still goes to the template's host.
      for await (const { id, lastmod } of settings.readSitemap(url, {
        template,
        matchOrigin: false,
        ...(signal ? { signal } : {})
      }))
        yield { kind: 'id', id, source: name, lastmod }
    }
  }
}
