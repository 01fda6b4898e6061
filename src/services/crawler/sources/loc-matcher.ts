/**
 * Takes a listing id out of a sitemap <loc> by the scraper's source URL template, the inverse
 * of the scraper's listingUrl(): `http://board/jobs/{id}` turns `http://board/jobs/200397`
 * into "200397". A loc the template does not produce is not one of the scraper's listings,
 * and says why.
 */
import { ID_PLACEHOLDER, templatePrefix } from '../../scraper/listing-url'
import { listingIdProblem } from './listing-id-problem'
import { CrawlSourceError } from './source-error'

type LocMatch = { id: string } | { reason: string }

export interface LocMatcherOptions {
  /**
   * Default true. False compares only the path and query: for the stack's own board, whose
   * locs name its public address (JOBBOARD_PUBLIC_URL) while the scraper reaches it by its
   * compose service name. The id then still goes to the template's host, never the loc's.
   */
  matchOrigin?: boolean
}

export type LocMatcher = (loc: string) => LocMatch

export function createLocMatcher(template: string, options: LocMatcherOptions = {}): LocMatcher {
  const matchOrigin = options.matchOrigin ?? true
  let prefix: URL
  try {
    prefix = templatePrefix(template)
  } catch (error) {
    throw new CrawlSourceError(
      'InvalidCrawl',
      (error as Error).message,
      `Use an absolute http(s) URL with ${ID_PLACEHOLDER} where the id goes.`
    )
  }
  const suffix = template.slice(template.indexOf(ID_PLACEHOLDER) + ID_PLACEHOLDER.length)
  const expected = matchOrigin ? prefix.href : withoutOrigin(prefix)
  const shape = template.replace(ID_PLACEHOLDER, '<id>')

  return (loc) => {
    let url: URL
    try {
      url = new URL(loc)
    } catch {
      return { reason: 'not an absolute URL' }
    }
    const href = matchOrigin ? url.href : withoutOrigin(url)
    if (!href.startsWith(expected) || !href.endsWith(suffix) || href.length <= expected.length + suffix.length) {
      return { reason: `does not match the listing URL template ${shape}` }
    }
    const encoded = href.slice(expected.length, href.length - suffix.length)
    let id: string
    try {
      id = decodeURIComponent(encoded)
    } catch {
      return { reason: `the id part "${encoded}" has malformed percent-encoding` }
    }
    const problem = listingIdProblem(id)
    return problem === null ? { id } : { reason: `the id part "${id}" is not a listing id: ${problem}` }
  }
}

function withoutOrigin(url: URL): string {
  return url.href.slice(url.origin.length)
}
