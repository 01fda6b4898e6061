/**
 * A listing's page: the visible posting (title, company, location, salary, skills,
 * description) on every page, with JSON-LD in <head> or schema.org microdata on the
 * visible elements, as chosen by the listing's page style.
 */
import type { CatalogListing, CatalogSalary, Place } from './catalog.js'
import { escapeHtml, jsonForScript } from './html-escape.js'
import { jsonLdBlocks, listingVariant, remoteAreaType } from './job-posting-json-ld.js'
import { descriptionToHtml } from './listing-description.js'
import { renderDocument } from './page-layout.js'

export interface ListingPageInput {
  listing: CatalogListing
  /** Absolute URL of the board, without a trailing slash, e.g. http://127.0.0.1:8081 */
  siteUrl: string
  /** Other listings linked under "Similar jobs". */
  related: readonly CatalogListing[]
}

export function listingPath(id: string): string {
  return `/jobs/${encodeURIComponent(id)}`
}

export function renderListingPage({ listing, siteUrl, related }: ListingPageInput): string {
  const pageUrl = siteUrl + listingPath(listing.id)
  const micro = listing.page.structure === 'microdata'
  // Attribute helper: microdata attributes only on microdata pages, so JSON-LD pages carry one source of truth.
  const md = (attributes: string): string => (micro ? ` ${attributes}` : '')
  const scripts = jsonLdBlocks(listing, pageUrl, siteUrl)
    .map(
      (block) =>
        `<script type="application/ld+json">\n${jsonForScript(block, !listingVariant(listing, 'json-minified'))}\n</script>`
    )
    .join('\n')

  const main = `<article class="job" data-job-id="${escapeHtml(listing.id)}"${md('itemscope itemtype="https://schema.org/JobPosting"')}>
<h1 class="job-title"${md('itemprop="title"')}>${escapeHtml(listing.title)}</h1>
<p class="job-company"${md('itemprop="hiringOrganization" itemscope itemtype="https://schema.org/Organization"')}><a href="${escapeHtml(listing.companyUrl)}"${md('itemprop="url"')}><span${md('itemprop="name"')}>${escapeHtml(listing.company)}</span></a></p>
<p class="job-location">${micro ? locationMicrodata(listing) : escapeHtml(listing.location)}</p>
<ul class="job-meta">
<li class="job-workplace">${WORKPLACE_LABEL[listing.workplace]}</li>
<li class="job-employment-type">${listing.employmentType.map((type) => EMPLOYMENT_LABEL[type] ?? type).join(', ')}${micro ? listing.employmentType.map((type) => `<meta itemprop="employmentType" content="${type}">`).join('') : ''}</li>
${listing.salary ? `<li class="job-salary">${micro ? salaryMicrodata(listing.salary) : escapeHtml(formatSalary(listing.salary))}</li>\n` : ''}<li>Posted <time class="job-date-posted" datetime="${listing.datePosted}"${md('itemprop="datePosted"')}>${listing.datePosted}</time></li>
${listing.validThrough ? `<li>Apply by <time class="job-valid-through" datetime="${listing.validThrough}"${md('itemprop="validThrough"')}>${listing.validThrough}</time></li>\n` : ''}</ul>
<ul class="job-skills tags" aria-label="Skills">${listing.skills.map((skill) => `<li class="tag"${md('itemprop="skills"')}>${escapeHtml(skill)}</li>`).join('')}</ul>
<section class="job-description"${md('itemprop="description"')}>
${descriptionToHtml(listing.description)}
</section>
<p><a class="apply" href="${escapeHtml(listing.companyUrl)}/careers/${escapeHtml(listing.id)}">Apply on the company's site</a></p>
</article>
<aside class="similar-jobs"><h2>Similar jobs</h2><ul>${related
    .map(
      (other) =>
        `<li><a href="${listingPath(other.id)}">${escapeHtml(other.title)}</a> at ${escapeHtml(other.company)}</li>`
    )
    .join('')}</ul></aside>`

  return renderDocument({
    title: `${listing.title} at ${listing.company}`,
    head: `<link rel="canonical" href="${escapeHtml(pageUrl)}">\n<meta name="description" content="${escapeHtml(`${listing.title} at ${listing.company}, ${listing.location}`)}">\n${scripts}`,
    main
  })
}

const WORKPLACE_LABEL: Record<CatalogListing['workplace'], string> = {
  onsite: 'On-site',
  hybrid: 'Hybrid',
  remote: 'Remote'
}

const EMPLOYMENT_LABEL: Record<string, string> = {
  FULL_TIME: 'Full-time',
  PART_TIME: 'Part-time',
  CONTRACTOR: 'Contract',
  TEMPORARY: 'Temporary',
  INTERN: 'Internship'
}

/** The same text as listing.location, with each part marked up, so visible text and microdata agree. */
function locationMicrodata(listing: CatalogListing): string {
  if (listing.places.length === 0) {
    const area = listing.remoteArea
    const remote = `<meta itemprop="jobLocationType" content="TELECOMMUTE">Remote`
    if (area === null) return remote
    return `${remote} (<span itemprop="applicantLocationRequirements" itemscope itemtype="https://schema.org/${remoteAreaType(area)}"><span itemprop="name">${escapeHtml(area)}</span></span>)`
  }
  return listing.places.map(placeMicrodata).join('; ')
}

function placeMicrodata(place: Place): string {
  // Same rule as shownPlaceParts: a repeated part (a city-state's country) is not shown,
  // but still belongs in the data.
  const shown = new Set<string>()
  const visible: string[] = []
  let hidden = ''
  for (const [prop, value] of [
    ['addressLocality', place.city],
    ['addressRegion', place.region],
    ['addressCountry', place.country]
  ] as const) {
    if (value === null) continue
    if (shown.has(value)) {
      hidden += `<meta itemprop="${prop}" content="${escapeHtml(value)}">`
    } else {
      shown.add(value)
      visible.push(`<span itemprop="${prop}">${escapeHtml(value)}</span>`)
    }
  }
  return `<span itemprop="jobLocation" itemscope itemtype="https://schema.org/Place"><span itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">${visible.join(', ')}${hidden}</span></span>`
}

function salaryMicrodata(salary: CatalogSalary): string {
  const values =
    salary.min === salary.max
      ? `<meta itemprop="value" content="${salary.min}">`
      : `<meta itemprop="minValue" content="${salary.min}"><meta itemprop="maxValue" content="${salary.max}">`
  return `<span itemprop="baseSalary" itemscope itemtype="https://schema.org/MonetaryAmount"><meta itemprop="currency" content="${escapeHtml(salary.currency)}"><span itemprop="value" itemscope itemtype="https://schema.org/QuantitativeValue">${values}<meta itemprop="unitText" content="${salary.unit}"></span>${escapeHtml(formatSalary(salary))}</span>`
}

const PER_UNIT: Record<CatalogSalary['unit'], string> = { HOUR: 'an hour', MONTH: 'a month', YEAR: 'a year' }

/** "€60,000–€80,000 a year", "$42.50 an hour" — fixed locale so pages are identical everywhere. */
export function formatSalary(salary: CatalogSalary): string {
  const format = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: salary.currency,
    maximumFractionDigits: Number.isInteger(salary.min) && Number.isInteger(salary.max) ? 0 : 2
  })
  const amount =
    salary.min === salary.max ? format.format(salary.min) : `${format.format(salary.min)}–${format.format(salary.max)}`
  return `${amount} ${PER_UNIT[salary.unit]}`
}
