/**
 * A listing page → Listing. Pure: no I/O, the clock comes in through `scrapedAt`.
 * Sources in order of trust: JSON-LD JobPosting, then microdata, then plain HTML (only on
 * pages with a job marker, see html-page.ts). Every piece of markup and every JSON-LD block
 * is pre-scanned against PAGE_LIMITS before it is parsed (page-limits.ts).
 */
import { load } from 'cheerio'
import type { CheerioAPI } from 'cheerio'
import { ListingSchema } from '../../shared/listing'
import type { ExtractedFrom, Listing } from '../../shared/listing'
import { canonicalUrl, readHtmlPosting } from './html-page'
import type { JsonObject } from './json-object'
import { findJsonLdPosting, hasUnreadablePosting } from './json-ld'
import { defuseKombuTags } from './kombu-safe'
import { readMicrodataPosting } from './microdata'
import { normalizePosting } from './normalize-posting'
import { checkMarkup } from './markup-scan'
import { TooComplex } from './page-limits'
import { NotAJobListing, PageTooComplex, UnreadablePosting } from './scrape-errors'

export interface ParseContext {
  id: string
  url: string
  scrapedAt: string
}

interface FoundPosting {
  posting: JsonObject
  nodesById?: Map<string, JsonObject>
  extractedFrom: ExtractedFrom
}

export function parseListing(html: string, context: ParseContext): Listing {
  try {
    return parseWithinLimits(html, context)
  } catch (err) {
    if (err instanceof TooComplex) throw new PageTooComplex(context.url, err.message)
    throw err
  }
}

function parseWithinLimits(html: string, context: ParseContext): Listing {
  checkMarkup(html, 'the page')
  const $ = load(html)
  const found = findPosting($)
  // "Not a job listing" is only for pages with no posting at all.
  if (found === null && hasUnreadablePosting($)) {
    throw new UnreadablePosting(context.url, 'its JSON-LD names a JobPosting but is not JSON, even after repair')
  }
  if (found === null) {
    throw new NotAJobListing(
      context.url,
      'it has no schema.org JobPosting (JSON-LD or microdata) and no job marker in its HTML (an "Apply" link or button, or og:type job)'
    )
  }
  const fields = normalizePosting(found.posting, pageAddress($, context.url), found.nodesById)
  // A posting without a title (it happens) still has a heading on the page.
  const title = fields.title ?? pageHeading($)
  if (title === null) throw new NotAJobListing(context.url, 'its JobPosting has no title and the page has no heading')

  return ListingSchema.parse({
    ID: context.id,
    JSON: defuseKombuTags(found.posting),
    ...fields,
    title,
    scrapedAt: context.scrapedAt,
    extractedFrom: found.extractedFrom
  })
}

function findPosting($: CheerioAPI): FoundPosting | null {
  const jsonLd = findJsonLdPosting($)
  if (jsonLd !== null) return { posting: jsonLd.posting, nodesById: jsonLd.nodesById, extractedFrom: 'json-ld' }
  const microdata = readMicrodataPosting($)
  if (microdata !== null) return { posting: microdata, extractedFrom: 'microdata' }
  const html = readHtmlPosting($)
  if (html !== null) return { posting: html, extractedFrom: 'html' }
  return null
}

/**
 * The address a person should open: the page's own canonical link (or og:url) when it is an
 * http(s) URL, else where we fetched it — which, inside a container network, is a host name
 * (`jobboard:8081`) that only the scraper can reach.
 */
function pageAddress($: CheerioAPI, fetchedUrl: string): string {
  const declared = canonicalUrl($)
  if (declared === null) return fetchedUrl
  try {
    const url = new URL(declared, fetchedUrl)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : fetchedUrl
  } catch {
    return fetchedUrl
  }
}

function pageHeading($: CheerioAPI): string | null {
  const heading = (
    $('h1').first().text() ||
    $('meta[property="og:title"]').attr('content') ||
    $('title').first().text()
  )
    .replace(/\s+/g, ' ')
    .trim()
  return heading === '' ? null : heading
}
