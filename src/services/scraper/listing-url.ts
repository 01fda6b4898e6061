/**
 * Turns a listing id into the page URL. The id is validated and percent-encoded, and the
 * result must stay under the template's origin and prefix, so no id can steer the scraper
 * to another host or another part of the site.
 */
import { ListingIdSchema } from '../../shared/listing'
import { InvalidListingId } from './scrape-errors'

export const ID_PLACEHOLDER = '{id}'

export function listingUrl(id: unknown, sourceUrlTemplate: string): string {
  const prefix = templatePrefix(sourceUrlTemplate)
  if (typeof id !== 'string') throw new InvalidListingId(id, 'a listing id must be a string')
  const checked = ListingIdSchema.safeParse(id)
  if (!checked.success) throw new InvalidListingId(id, checked.error.issues.map((issue) => issue.message).join('; '))

  const url = new URL(sourceUrlTemplate.replace(ID_PLACEHOLDER, encodeURIComponent(id)))
  // The schema already rules out "/", "?", "#" and "..", and encoding covers the rest; this
  // check is what guarantees it, in case the schema is ever loosened.
  if (url.origin !== prefix.origin || !url.href.startsWith(prefix.href)) {
    throw new InvalidListingId(id, `the URL ${url.href} would leave ${prefix.href}`)
  }
  return url.href
}

/** The template up to the placeholder, as the URL parser normalizes it. */
export function templatePrefix(sourceUrlTemplate: string): URL {
  const at = sourceUrlTemplate.indexOf(ID_PLACEHOLDER)
  if (at < 0) throw new Error(`The source URL template must contain ${ID_PLACEHOLDER}: "${sourceUrlTemplate}"`)
  let prefix: URL
  try {
    prefix = new URL(sourceUrlTemplate.slice(0, at))
  } catch {
    throw new Error(`The source URL template is not an absolute URL: "${sourceUrlTemplate}"`)
  }
  if (prefix.protocol !== 'http:' && prefix.protocol !== 'https:') {
    throw new Error(`The source URL template must be http or https: "${sourceUrlTemplate}"`)
  }
  if (prefix.hash !== '')
    throw new Error(`The ${ID_PLACEHOLDER} placeholder cannot be in the URL fragment: "${sourceUrlTemplate}"`)
  return prefix
}
