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
import { canonicalUrl, declaredUrl, readHtmlPosting } from './html-page'
import type { JsonObject } from './json-object'
import { findJsonLdPosting, findJsonLdPostingIn, hasUnreadablePosting } from './json-ld'
import { defuseKombuTags } from './kombu-safe'
import { readMicrodataPosting } from './microdata'
import { normalizePosting } from './normalize-posting'
import type { PostingFields } from './normalize-posting'
import { scanPage } from './page-scan'
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

/** `read: 'dom'` builds the DOM even for a page the scan can read (page-scan.test.ts compares the two). */
export function parseListing(html: string, context: ParseContext, read: 'any' | 'dom' = 'any'): Listing {
  try {
    return parseWithinLimits(html, context, read)
  } catch (err) {
    if (err instanceof TooComplex) throw new PageTooComplex(context.url, err.message)
    throw err
  }
}

function parseWithinLimits(html: string, context: ParseContext, read: 'any' | 'dom'): Listing {
  checkMarkup(html, 'the page')
  return (read === 'any' ? parseJsonLdOnly(html, context) : null) ?? parseDocument(html, context)
}

/**
 * Most pages carry a titled JSON-LD posting, and that is all the parse needs of them besides
 * the page's declared address: those are read from one pass of a tokenizer (page-scan.ts),
 * with no DOM. Null when the page needs its DOM (no such posting, or markup the scan leaves
 * to the tree builder): parseDocument then decides, the same way it always did.
 */
function parseJsonLdOnly(html: string, context: ParseContext): Listing | null {
  const page = scanPage(html)
  if (page === null) return null
  const jsonLd = findJsonLdPostingIn(page.jsonLd)
  if (jsonLd === null) return null
  const address = pageAddress(declaredUrl(page.canonicalHref, page.ogUrl), context.url)
  const fields = normalizePosting(jsonLd.posting, address, jsonLd.nodesById)
  if (fields.title === null) return null
  return listingOf({ ...jsonLd, extractedFrom: 'json-ld' }, fields, fields.title, context)
}

function parseDocument(html: string, context: ParseContext): Listing {
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
  const fields = normalizePosting(found.posting, pageAddress(canonicalUrl($), context.url), found.nodesById)
  // A posting without a title (it happens) still has a heading on the page.
  const title = fields.title ?? pageHeading($)
  if (title === null) throw new NotAJobListing(context.url, 'its JobPosting has no title and the page has no heading')
  return listingOf(found, fields, title, context)
}

function listingOf(found: FoundPosting, fields: PostingFields, title: string, context: ParseContext): Listing {
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
function pageAddress(declared: string | null, fetchedUrl: string): string {
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
