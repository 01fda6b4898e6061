/**
 * Which listing URL template a request for a source may use. The registry comes from the
 * coordinators' announcements (crawler/crawl-control.ts); without one (no coordinator lately, a
 * scraper run on its own for Nameko callers) only the default source is known, with the
 * template of SCRAPER_SOURCE_URL_TEMPLATE. Nothing a caller sends picks the template: only a
 * source's name, looked up here.
 */
import { DEFAULT_SOURCE_NAME, SOURCE_NAME_PATTERN } from '../../shared/source'
import type { AnnouncedSource } from '../../shared/source'
import { SourcePaused, UnknownSource } from '../../shared/scrape-errors'
import { templatePrefix } from './listing-url'

export type AnnouncedSources = () => ReadonlyMap<string, AnnouncedSource> | null

export class SourceTargets {
  constructor(
    /** The default source's template when no registry has been announced. */
    private readonly defaultTemplate: string,
    private readonly announced: AnnouncedSources = () => null
  ) {
    // Fail at start-up, not on the first call, when the template itself is unusable.
    templatePrefix(defaultTemplate)
  }

  /** The template to build the source's listing URLs from, or UnknownSource / SourcePaused. */
  templateOf(name: unknown): string {
    if (typeof name !== 'string' || !SOURCE_NAME_PATTERN.test(name)) {
      throw new UnknownSource(
        typeof name === 'string' ? name : String(name),
        'a source name is 1–63 of lower-case letters, digits and "-"'
      )
    }
    const sources = this.announced()
    if (sources === null) {
      if (name === DEFAULT_SOURCE_NAME) return this.defaultTemplate
      throw new UnknownSource(
        name,
        `no coordinator has announced the registered sources lately; only "${DEFAULT_SOURCE_NAME}" is known without one`
      )
    }
    const source = sources.get(name)
    if (source === undefined) throw new UnknownSource(name)
    if (source.paused) throw new SourcePaused(name)
    if (source.listingUrlTemplate === null)
      throw new UnknownSource(name, 'it has no listing URL template, so no id can be looked up on it')
    return source.listingUrlTemplate
  }
}
