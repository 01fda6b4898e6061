import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ListingSchema } from '../../shared/listing'
import type { Listing } from '../../shared/listing'
import { parseListing } from './parse-listing'
import { NotAJobListing } from './scrape-errors'

const PAGE_URL = 'http://127.0.0.1:8081/jobs/abc-123'
const SCRAPED_AT = '2024-11-05T12:00:00.000Z'

function fixture(name: string): string {
  return readFileSync(new URL(`../../../test/fixtures/pages/${name}`, import.meta.url), 'utf8')
}

function parse(name: string): Listing {
  return parseListing(fixture(name), { id: 'abc-123', url: PAGE_URL, scrapedAt: SCRAPED_AT })
}

describe('parseListing: JSON-LD', () => {
  it('reads a Greenhouse-like page: escaped HTML description, locality with region, salary range', () => {
    const listing = parse('greenhouse-range.html')
    expect(listing).toMatchObject({
      ID: 'abc-123',
      title: 'Senior Backend Engineer',
      company: 'Northwind Labs',
      location: 'San Francisco, CA',
      employmentType: [],
      datePosted: '2024-05-02',
      validThrough: null,
      salary: { min: 165000, max: 210000, currency: 'USD', unit: 'YEAR' },
      url: PAGE_URL,
      scrapedAt: SCRAPED_AT,
      extractedFrom: 'json-ld'
    })
    expect(listing.description).toBe(
      'About the role\n\nYou will own the ingestion pipeline that moves 4 TB a day.\n\n' +
        '• Design APIs in Go and TypeScript\n• Run PostgreSQL & Kafka in production'
    )
    expect(listing.JSON['@type']).toBe('JobPosting')
    expect(ListingSchema.safeParse(listing).success).toBe(true)
  })

  it('reads a Lever-like remote posting: applicant regions, single salary value, de-duplicated skills', () => {
    const listing = parse('lever-remote.html')
    expect(listing.location).toBe('Remote (United States, Canada)')
    expect(listing.employmentType).toEqual(['FULL_TIME'])
    expect(listing.validThrough).toBe('2024-09-30T23:59')
    expect(listing.salary).toEqual({ min: 185000, max: 185000, currency: 'USD', unit: 'YEAR' })
    expect(listing.skills).toEqual(['Figma', 'Prototyping', 'Design systems'])
    expect(listing.description).toContain('Cobalt Health builds software for clinics.\n\nAs our Staff Product Designer')
    expect(listing.description).not.toMatch(/<[a-z]/)
  })

  it('reads a Workday-like page: Country object, plain-text description keeps its lines, no salary', () => {
    const listing = parse('workday-plain.html')
    expect(listing.company).toBe('Acme Foods')
    expect(listing.location).toBe('Austin, TX, United States of America')
    expect(listing.salary).toBeNull()
    expect(listing.description).toBe(
      'Job Description\n\nThe Maintenance Technician II keeps our packaging lines running across two shifts.\n\n' +
        'Responsibilities\n- Troubleshoot PLC-controlled equipment\n- Perform preventive maintenance'
    )
  })

  it('finds the JobPosting in an @graph, resolves its @id organization, prefers its absolute url', () => {
    const listing = parse('graph-yoast.html')
    expect(listing.title).toBe('Data Engineer (m/w/d)')
    expect(listing.company).toBe('Lindqvist GmbH')
    expect(listing.location).toBe('Hamburg, DE; München, Bayern, DE')
    expect(listing.employmentType).toEqual(['FULL_TIME', 'PART_TIME'])
    expect(listing.salary).toEqual({ min: 55000, max: 68000, currency: 'EUR', unit: 'YEAR' })
    expect(listing.skills).toEqual(['SQL', 'Python', 'dbt', 'Snowflake', 'Airflow'])
    expect(listing.url).toBe('https://karriere.lindqvist.example/jobs/data-engineer-mwd/')
    expect(listing.description).toContain('Dein Profil\n\n• SQL und Python\n• Erfahrung mit Airflow')
  })

  it('finds the JobPosting in a top-level array with @type as an array; hourly salary; keywords as skills', () => {
    const listing = parse('array-hourly.html')
    expect(listing.company).toBe('Brightline Logistics')
    expect(listing.location).toBe('Columbus, OH, US')
    expect(listing.employmentType).toEqual(['PART_TIME', 'TEMPORARY'])
    expect(listing.salary).toEqual({ min: 21.5, max: 21.5, currency: 'USD', unit: 'HOUR' })
    expect(listing.skills).toEqual(['forklift', 'night shift', 'warehouse'])
    expect(listing.datePosted).toBe('2024-07-01T09:30:00-05:00')
  })

  it('prefers a valid JobPosting block over one it had to repair (a broken draft before the real one)', () => {
    const listing = parse('broken-then-good.html')
    expect(listing.title).toBe('Site Reliability Engineer')
    expect(listing.location).toBe('Toronto, ON, CA')
    expect(listing.skills).toEqual(['Kubernetes', 'Terraform', 'Prometheus'])
    expect(listing.description).toBe('Keep our Kubernetes fleet boring.\n\nOn-call one week in six.')
  })

  it('decodes HTML entities: an entity-escaped block, named entities in values, string salary bounds', () => {
    const listing = parse('entities.html')
    expect(listing.title).toBe('R&D Engineer – Café Systems')
    expect(listing.company).toBe('Smith & Sons')
    expect(listing.location).toBe('Montréal, QC, CA')
    expect(listing.salary).toEqual({ min: 85000, max: 100000, currency: 'CAD', unit: 'YEAR' })
    expect(listing.description).toBe('Design espresso machines & their firmware.\n\nSalary: 85 000 $ – 100 000 $')
  })

  it('reads remote plus an office, an employment-type comma list, a salary string, tags as skills', () => {
    const listing = parse('remote-hybrid.html')
    expect(listing.location).toBe('Remote; Lisbon, PT')
    expect(listing.employmentType).toEqual(['CONTRACTOR', 'PART_TIME'])
    expect(listing.salary).toEqual({ min: 40, max: 50, currency: 'USD', unit: 'HOUR' })
    expect(listing.skills).toEqual(['support', 'zendesk', 'portuguese'])
  })

  it('finds a JobPosting under WebPage.mainEntity, joins several locations, repairs a raw newline in a string', () => {
    const listing = parse('multi-location.html')
    expect(listing.location).toBe('London, GB; Manchester, GB; Edinburgh, Scotland, GB')
    expect(listing.salary).toEqual({ min: 38000, max: 38000, currency: 'GBP', unit: null })
    expect(listing.skills).toEqual(['Java', 'Kotlin', 'SQL'])
    expect(listing.description).toBe(
      'Join our two-year graduate scheme. Rotate through payments, lending and platform teams.'
    )
  })
})

describe('parseListing: text fields', () => {
  it('keeps tag-like text in names as written, from JSON-LD and from microdata', () => {
    const context = { id: '1', url: PAGE_URL, scrapedAt: SCRAPED_AT }
    const jsonLd =
      '<script type="application/ld+json">{"@type":"JobPosting","title":"C++ <Senior> Dev","hiringOrganization":{"name":"Angle &amp; Bracket <Labs>"}}</script>'
    expect(parseListing(jsonLd, context)).toMatchObject({
      title: 'C++ <Senior> Dev',
      company: 'Angle & Bracket <Labs>'
    })
    const microdata =
      '<div itemscope itemtype="https://schema.org/JobPosting"><h1 itemprop="title">C++ &lt;Senior&gt; Dev</h1>' +
      '<div itemprop="hiringOrganization" itemscope itemtype="https://schema.org/Organization"><span itemprop="name">Angle &amp; Bracket &lt;Labs&gt;</span></div></div>'
    expect(parseListing(microdata, context)).toMatchObject({
      title: 'C++ <Senior> Dev',
      company: 'Angle & Bracket <Labs>'
    })
  })
})

describe('parseListing: microdata', () => {
  it('reads nested items (organization, place → address, salary → value) and ignores items outside the posting', () => {
    const listing = parse('microdata-only.html')
    expect(listing).toMatchObject({
      title: 'QA Automation Engineer',
      company: 'Helios Robotics',
      location: 'Pittsburgh, PA, US',
      employmentType: ['FULL_TIME', 'CONTRACTOR'],
      datePosted: '2024-02-20',
      validThrough: '2024-04-20',
      salary: { min: 95000, max: 125000, currency: 'USD', unit: 'YEAR' },
      skills: ['Python', 'pytest', 'Jenkins'],
      extractedFrom: 'microdata'
    })
    expect(listing.description).toBe(
      'Helios builds warehouse robots. You will grow our hardware-in-the-loop test suite.\n\n' +
        'What you bring:\n\n• Python and pytest\n• Experience with CI for embedded systems'
    )
    expect(listing.JSON).toMatchObject({
      '@type': 'JobPosting',
      hiringOrganization: { '@type': 'Organization', name: 'Helios Robotics' }
    })
  })
})

describe('parseListing: plain HTML', () => {
  it('reads a page with an Apply link, an h1 and Open Graph tags', () => {
    const listing = parse('html-only.html')
    expect(listing).toMatchObject({
      title: 'Line Cook',
      company: 'The Copper Pot',
      location: null,
      salary: null,
      url: 'https://jobs.copperpot.example/line-cook',
      extractedFrom: 'html'
    })
    expect(listing.description).toBe(
      'We are a 60-seat bistro looking for a line cook who loves a busy Saturday.\n\n• 2+ years on the line\n• Food handler card'
    )
  })

  it('falls back to the meta description when the page has no description container', () => {
    const html =
      '<html><head><meta name="description" content="Night porter, 3 nights a week."></head><body><h1>Night Porter</h1><a href="/jobs/9/apply">Apply</a></body></html>'
    const listing = parseListing(html, { id: '9', url: PAGE_URL, scrapedAt: SCRAPED_AT })
    expect(listing.title).toBe('Night Porter')
    expect(listing.description).toBe('Night porter, 3 nights a week.')
  })

  it.each(['blog-post.html', 'login-page.html'])('refuses %s as NotAJobListing, naming the URL', (name) => {
    expect(() => parse(name)).toThrow(NotAJobListing)
    expect(() => parse(name)).toThrow(/http:\/\/127\.0\.0\.1:8081\/jobs\/abc-123 is not a job listing/)
  })

  it('refuses an empty page', () => {
    expect(() => parseListing('', { id: 'x', url: PAGE_URL, scrapedAt: SCRAPED_AT })).toThrow(NotAJobListing)
  })
})

describe('parseListing: the listing address', () => {
  const page = (head: string, posting: Record<string, unknown>): string =>
    `<html><head>${head}<script type="application/ld+json">${JSON.stringify({ '@type': 'JobPosting', title: 'Engineer', ...posting })}</script></head><body></body></html>`
  const internal = { id: '7', url: 'http://jobboard:8081/jobs/7', scrapedAt: SCRAPED_AT }

  it("takes the page's canonical link over the address it was fetched from", () => {
    const listing = parseListing(page('<link rel="canonical" href="http://127.0.0.1:8081/jobs/7">', {}), internal)
    expect(listing.url).toBe('http://127.0.0.1:8081/jobs/7')
  })

  it("still prefers the posting's own absolute url, and ignores a canonical link that is not http(s)", () => {
    expect(
      parseListing(
        page('<link rel="canonical" href="http://a.example/x">', { url: 'https://b.example/job/7' }),
        internal
      ).url
    ).toBe('https://b.example/job/7')
    expect(parseListing(page('<link rel="canonical" href="javascript:alert(1)">', {}), internal).url).toBe(internal.url)
  })
})
