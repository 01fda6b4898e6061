/**
 * The last resort for pages with no structured data: title, description and company from
 * plain HTML (h1, meta description, Open Graph). Only for pages that say they are a job
 * listing, because almost any page has a title and a description.
 *
 * The rule: a page is a job listing when it has
 *   - an apply control: a link or button whose text starts with "Apply" ("Apply now",
 *     "Apply for this job"), or a link to an `/apply` path; or
 *   - an Open Graph type that names a job (`og:type` "job", "jobposting", "website:job"…).
 * A blog post or a login page has neither.
 */
import type { CheerioAPI } from 'cheerio'
import type { JsonObject } from './json-object'

const DESCRIPTION_CONTAINERS = '#job-description, .job-description, [data-job-description], #description, .description'

export function readHtmlPosting($: CheerioAPI): JsonObject | null {
  if (!hasJobMarker($)) return null
  const title = firstNonEmpty([$('h1').first().text(), meta($, 'og:title'), $('title').first().text()])
  if (title === null) return null
  const container = $(DESCRIPTION_CONTAINERS).first()
  const description = container.length > 0 ? (container.html() ?? '') : ''
  const company = meta($, 'og:site_name')
  return {
    '@type': 'JobPosting',
    title,
    description: description.trim() !== '' ? description : (meta($, 'description') ?? meta($, 'og:description') ?? ''),
    ...(company === null ? {} : { hiringOrganization: { '@type': 'Organization', name: company } }),
    ...(canonicalUrl($) === null ? {} : { url: canonicalUrl($) })
  }
}

function hasJobMarker($: CheerioAPI): boolean {
  const applyControl = $('a, button, input[type="submit"], input[type="button"]')
    .toArray()
    .some((el) => {
      const control = $(el)
      const label = (control.is('input') ? control.attr('value') : control.text()) ?? ''
      const href = control.attr('href') ?? ''
      return /^\s*apply\b/i.test(label) || /\/apply\/?(\?|#|$)/i.test(href)
    })
  const ogType = meta($, 'og:type') ?? ''
  return applyControl || /job/i.test(ogType)
}

function meta($: CheerioAPI, key: string): string | null {
  return trimmedContent($(`meta[property="${key}"], meta[name="${key}"]`).first().attr('content'))
}

function trimmedContent(content: string | undefined): string | null {
  return content === undefined || content.trim() === '' ? null : content.trim()
}

export function canonicalUrl($: CheerioAPI): string | null {
  return declaredUrl(
    $('link[rel="canonical"]').attr('href'),
    $('meta[property="og:url"], meta[name="og:url"]').first().attr('content')
  )
}

/** The page's own address as it declares it: its first canonical link's href, else its first og:url. */
export function declaredUrl(canonicalHref: string | undefined, ogUrl: string | undefined): string | null {
  return canonicalHref ?? trimmedContent(ogUrl)
}

function firstNonEmpty(values: (string | null)[]): string | null {
  for (const value of values) {
    const text = value?.replace(/\s+/g, ' ').trim()
    if (text) return text
  }
  return null
}
