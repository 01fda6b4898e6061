/**
 * Where a crawl's ids come from: a pasted list (parsed by sources/id-list.ts) or a sitemap
 * (streamed by the sitemap reader, for the stack's own board or any URL), as one stream of
 * source entries for the ingest.
 */
import type { CrawlSource } from '../../shared/crawl'
import { parseIdList } from './sources/id-list'

export type SourceEntry =
  | { kind: 'id'; id: string }
  | { kind: 'invalid'; line: number; text: string; reason: string }
  | { kind: 'duplicate'; line: number; text: string }

/** The signature of sources/sitemap.ts's readSitemapIds, injected so tests can swap it. */
export type SitemapReader = (url: string, options: { template: string; matchOrigin?: boolean; signal?: AbortSignal }) => AsyncIterable<string>

export interface SourceSettings {
  /** The board's sitemap (CRAWL_BOARD_SITEMAP_URL). */
  boardSitemapUrl: string
  /** The scraper's source URL template, with `{id}` (SCRAPER_SOURCE_URL_TEMPLATE). */
  template: string
  readSitemap: SitemapReader
}

export function sourceLabel(source: CrawlSource): string {
  if (source.kind === 'board') return 'board'
  if (source.kind === 'sitemap') return `sitemap ${source.url}`
  return 'list of ids'
}

export async function* sourceEntries(source: CrawlSource, settings: SourceSettings, signal?: AbortSignal): AsyncGenerator<SourceEntry> {
  if (source.kind === 'ids') {
    for (const entry of parseIdList(source.text)) {
      yield entry.kind === 'id' ? { kind: 'id', id: entry.id } : entry
    }
    return
  }
  const url = source.kind === 'board' ? settings.boardSitemapUrl : source.url
  // The board's sitemap may name it by its published address rather than the template's host.
  const ids = settings.readSitemap(url, { template: settings.template, matchOrigin: source.kind !== 'board', ...(signal ? { signal } : {}) })
  for await (const id of ids) yield { kind: 'id', id }
}
