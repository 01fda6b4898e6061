/**
 * The schema.org JobPosting JSON-LD for a listing, in the page structures real boards use:
 * one object, a top-level array, or an `@graph` whose JobPosting refers to its
 * Organization by `@id` (as Yoast-style sites do). Small per-listing variations (a string
 * or an array for employmentType, a name or a Country object for addressCountry) come from
 * a hash of the id so they are stable for a seed.
 */
import type { CatalogListing, Place } from './catalog.js'
import { PLACES } from './catalog-data.js'
import { escapeHtml } from './html-escape.js'
import { descriptionToHtml, descriptionToText } from './listing-description.js'
import { hashSeed } from './seeded-random.js'

type JsonObject = Record<string, unknown>

const COUNTRIES = new Set(PLACES.map((place) => place.country))

/** schema.org type of a remote job's applicant area: a country, or a wider area such as "Europe". */
export function remoteAreaType(area: string): 'Country' | 'AdministrativeArea' {
  return COUNTRIES.has(area) ? 'Country' : 'AdministrativeArea'
}

/** A stable yes/no for one listing and one aspect of its markup. */
export function listingVariant(listing: CatalogListing, aspect: string): boolean {
  return hashSeed(listing.id, aspect) % 2 === 0
}

/** The JSON-LD blocks of a listing's page, one per <script> tag; none for a microdata page. */
export function jsonLdBlocks(listing: CatalogListing, pageUrl: string, siteUrl: string): unknown[] {
  const { structure, breadcrumbs } = listing.page
  const breadcrumbList = breadcrumbListFor(listing, pageUrl, siteUrl)
  switch (structure) {
    case 'microdata':
      return breadcrumbs ? [breadcrumbList] : []
    case 'json-ld':
      return [jobPosting(listing, pageUrl, { withContext: true }), ...(breadcrumbs ? [breadcrumbList] : [])]
    case 'json-ld-array':
      return [[breadcrumbList, jobPosting(listing, pageUrl, { withContext: true })]]
    case 'json-ld-graph': {
      const organizationId = `${listing.companyUrl}/#organization`
      const graph = {
        '@context': 'https://schema.org',
        '@graph': [
          {
            '@type': 'WebPage',
            '@id': pageUrl,
            url: pageUrl,
            name: listing.title,
            isPartOf: { '@id': `${siteUrl}/#website` }
          },
          {
            '@type': 'Organization',
            '@id': organizationId,
            name: textField(listing, listing.company),
            url: listing.companyUrl
          },
          {
            ...jobPosting(listing, pageUrl, { withContext: false, organizationId }),
            '@id': `${pageUrl}#job`,
            mainEntityOfPage: { '@id': pageUrl }
          }
        ]
      }
      return breadcrumbs ? [graph, breadcrumbList] : [graph]
    }
  }
}

interface JobPostingOptions {
  withContext: boolean
  /** Refer to the hiring organization by this `@id` instead of inlining it. */
  organizationId?: string
}

function jobPosting(listing: CatalogListing, pageUrl: string, options: JobPostingOptions): JsonObject {
  const posting: JsonObject = {
    ...(options.withContext ? { '@context': 'https://schema.org/' } : {}),
    '@type': 'JobPosting',
    title: textField(listing, listing.title),
    description: descriptionField(listing),
    identifier: { '@type': 'PropertyValue', name: textField(listing, listing.company), value: listing.id },
    datePosted: listing.datePosted,
    ...(listing.validThrough === null ? {} : { validThrough: `${listing.validThrough}T23:59:59Z` }),
    employmentType:
      listing.employmentType.length === 1 && listingVariant(listing, 'employmentType-string')
        ? listing.employmentType[0]
        : listing.employmentType,
    hiringOrganization: options.organizationId
      ? { '@id': options.organizationId }
      : { '@type': 'Organization', name: textField(listing, listing.company), sameAs: listing.companyUrl },
    ...locationFields(listing),
    skills: listingVariant(listing, 'skills-string') ? listing.skills.join(', ') : listing.skills,
    url: pageUrl,
    directApply: true
  }
  if (listing.salary) {
    const { min, max, currency, unit } = listing.salary
    posting['baseSalary'] = {
      '@type': 'MonetaryAmount',
      currency,
      value:
        min === max
          ? { '@type': 'QuantitativeValue', value: min, unitText: unit }
          : { '@type': 'QuantitativeValue', minValue: min, maxValue: max, unitText: unit }
    }
  }
  return posting
}

function locationFields(listing: CatalogListing): JsonObject {
  if (listing.workplace === 'remote') {
    return {
      jobLocationType: 'TELECOMMUTE',
      ...(listing.remoteArea === null
        ? {}
        : { applicantLocationRequirements: { '@type': remoteAreaType(listing.remoteArea), name: listing.remoteArea } })
    }
  }
  const places = listing.places.map((place) => placeJson(listing, place))
  return { jobLocation: places.length === 1 ? places[0] : places }
}

function placeJson(listing: CatalogListing, place: Place): JsonObject {
  return {
    '@type': 'Place',
    address: {
      '@type': 'PostalAddress',
      addressLocality: place.city,
      ...(place.region === null ? {} : { addressRegion: place.region }),
      addressCountry: listingVariant(listing, 'country-object')
        ? { '@type': 'Country', name: place.country }
        : place.country
    }
  }
}

/** Boards that entity-encode their description usually entity-encode every text field. */
function textField(listing: CatalogListing, text: string): string {
  return listing.page.descriptionFormat === 'html-entities' ? escapeHtml(text) : text
}

function descriptionField(listing: CatalogListing): string {
  switch (listing.page.descriptionFormat) {
    case 'text':
      return descriptionToText(listing.description)
    case 'html':
      return descriptionToHtml(listing.description)
    case 'html-entities':
      return escapeHtml(descriptionToHtml(listing.description))
  }
}

function breadcrumbListFor(listing: CatalogListing, pageUrl: string, siteUrl: string): JsonObject {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: [
      { '@type': 'ListItem', position: 1, name: 'Jobs', item: `${siteUrl}/` },
      { '@type': 'ListItem', position: 2, name: listing.title, item: pageUrl }
    ]
  }
}
