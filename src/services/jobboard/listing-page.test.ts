import * as cheerio from 'cheerio'
import { describe, expect, it } from 'vitest'
import { PAGE_STRUCTURES, generateCatalog } from './catalog.js'
import type { CatalogListing, DescriptionFormat } from './catalog.js'
import { escapeHtml, jsonForScript } from './html-escape.js'
import { formatSalary, renderListingPage } from './listing-page.js'

const SITE = 'http://127.0.0.1:8081'
const HOSTILE = `</script><script>alert("x")</script><!-- & 'quoted' \u2028 <b>bold</b>`
const base = generateCatalog().listings.find((l) => l.places.length === 1 && l.salary !== null)!

function hostileListing(
  structure: CatalogListing['page']['structure'],
  descriptionFormat: DescriptionFormat
): CatalogListing {
  return {
    ...base,
    title: `Senior ${HOSTILE} Engineer`,
    company: `Evil "Corp" & <Sons>`,
    skills: ['c++', '<img src=x onerror=alert(1)>'],
    places: [{ city: 'Zürich </script>', region: null, country: 'Switzerland', currency: 'CHF' }],
    location: 'Zürich </script>, Switzerland',
    description: [
      { kind: 'paragraph', text: HOSTILE },
      { kind: 'list', items: ['a < b', 'x && y'] },
      { kind: 'code', text: "document.write('</script>')" }
    ],
    page: { structure, descriptionFormat, breadcrumbs: true }
  }
}

/** Every JSON-LD block on the page, parsed, plus the JobPosting found in it (or undefined). */
function jobPostingOf(html: string): { blocks: unknown[]; posting: Record<string, unknown> | undefined } {
  const $ = cheerio.load(html)
  const blocks = $('script[type="application/ld+json"]')
    .toArray()
    .map((element) => JSON.parse($(element).text()) as unknown)
  const candidates = blocks.flatMap((block) => {
    if (Array.isArray(block)) return block as Record<string, unknown>[]
    const graph = (block as Record<string, unknown>)['@graph']
    return Array.isArray(graph) ? (graph as Record<string, unknown>[]) : [block as Record<string, unknown>]
  })
  return { blocks, posting: candidates.find((c) => c['@type'] === 'JobPosting') }
}

describe('renderListingPage with hostile text', () => {
  const cases = PAGE_STRUCTURES.flatMap((structure) =>
    (['text', 'html', 'html-entities'] as const).map((format) => [structure, format] as const)
  )

  it.each(cases)('%s / %s: no injected element, and every value reads back exactly', (structure, format) => {
    const listing = hostileListing(structure, format)
    const html = renderListingPage({ listing, siteUrl: SITE, related: [] })
    const $ = cheerio.load(html)

    // Only the board's own JSON-LD scripts exist: nothing closed them early or added a script.
    expect(
      $('script')
        .toArray()
        .every((el) => $(el).attr('type') === 'application/ld+json')
    ).toBe(true)
    expect($('img').length).toBe(0)
    expect($('h1.job-title').text()).toBe(listing.title)
    expect($('.job-company').text()).toBe(listing.company)
    expect($('.job-location').text()).toBe(listing.location)
    expect(
      $('.job-skills .tag')
        .toArray()
        .map((el) => $(el).text())
    ).toEqual(listing.skills)
    expect($('.job-description p').first().text()).toBe(HOSTILE)
    expect($('.job-description code').text()).toBe("document.write('</script>')")

    const { blocks, posting } = jobPostingOf(html)
    expect(blocks.length).toBeGreaterThan(0) // breadcrumbs at least
    if (structure === 'microdata') {
      expect(posting).toBeUndefined()
      expect($('[itemtype="https://schema.org/JobPosting"] [itemprop="title"]').text()).toBe(listing.title)
      expect($('[itemprop="hiringOrganization"] [itemprop="name"]').text()).toBe(listing.company)
      expect($('[itemprop="addressLocality"]').text()).toBe('Zürich </script>')
      return
    }
    expect(posting).toBeDefined()
    const decode = (text: unknown): string =>
      cheerio
        .load(`<p>${String(text)}</p>`)('p')
        .text()
    const title = format === 'html-entities' ? decode(posting!['title']) : posting!['title']
    expect(title).toBe(listing.title)
    const description = String(posting!['description'])
    if (format === 'text') expect(description.startsWith(HOSTILE)).toBe(true)
    if (format === 'html') expect(cheerio.load(description)('p').first().text()).toBe(HOSTILE)
    if (format === 'html-entities') expect(cheerio.load(decode(description))('p').first().text()).toBe(HOSTILE)
  })
})

describe('renderListingPage markup', () => {
  const catalog = generateCatalog()
  const pageOf = (listing: CatalogListing): string =>
    renderListingPage({ listing, siteUrl: SITE, related: catalog.listings.slice(0, 3) })

  it('puts the JobPosting at the top level, in an array, or in an @graph with an Organization reference', () => {
    const bySructure = (structure: string): CatalogListing =>
      catalog.listings.find((l) => l.page.structure === structure)!
    const plain = jobPostingOf(pageOf(bySructure('json-ld')))
    expect((plain.blocks[0] as Record<string, unknown>)['@type']).toBe('JobPosting')

    const array = jobPostingOf(pageOf(bySructure('json-ld-array')))
    expect(Array.isArray(array.blocks[0])).toBe(true)
    expect(array.posting?.['title']).toBeDefined()

    const graphListing = bySructure('json-ld-graph')
    const graph = jobPostingOf(pageOf(graphListing))
    const nodes = (graph.blocks[0] as { '@graph': Array<Record<string, unknown>> })['@graph']
    expect(nodes.map((n) => n['@type'])).toEqual(['WebPage', 'Organization', 'JobPosting'])
    const orgId = (graph.posting?.['hiringOrganization'] as Record<string, unknown>)['@id']
    expect(nodes.find((n) => n['@id'] === orgId)?.['name']).toBeDefined()
  })

  it('writes baseSalary as a range or a single value, and the same figure in the visible text', () => {
    const range = catalog.listings.find(
      (l) => l.salary && l.salary.min < l.salary.max && l.page.structure === 'json-ld'
    )!
    const single = catalog.listings.find(
      (l) => l.salary && l.salary.min === l.salary.max && l.page.structure === 'json-ld'
    )!
    const rangeValue = (jobPostingOf(pageOf(range)).posting?.['baseSalary'] as { value: Record<string, unknown> }).value
    expect(rangeValue).toMatchObject({
      minValue: range.salary!.min,
      maxValue: range.salary!.max,
      unitText: range.salary!.unit
    })
    const singleValue = (jobPostingOf(pageOf(single)).posting?.['baseSalary'] as { value: Record<string, unknown> })
      .value
    expect(singleValue).toMatchObject({ value: single.salary!.min })
    expect(cheerio.load(pageOf(range))('.job-salary').text()).toBe(formatSalary(range.salary!))
  })

  it('shows a city-state once but keeps its country in the microdata', () => {
    const singapore = { city: 'Singapore', region: null, country: 'Singapore', currency: 'SGD' }
    const listing: CatalogListing = {
      ...base,
      places: [singapore],
      location: 'Singapore',
      page: { ...base.page, structure: 'microdata' }
    }
    const $ = cheerio.load(pageOf(listing))
    expect($('.job-location').text()).toBe('Singapore')
    expect($('meta[itemprop="addressCountry"]').attr('content')).toBe('Singapore')
  })

  it('formats salaries in a fixed locale', () => {
    expect(formatSalary({ min: 60000, max: 80000, currency: 'EUR', unit: 'YEAR' })).toBe('€60,000–€80,000 a year')
    expect(formatSalary({ min: 42.5, max: 42.5, currency: 'USD', unit: 'HOUR' })).toBe('$42.50 an hour')
  })
})

describe('escaping helpers', () => {
  it('escapeHtml covers the five significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;'
    )
  })

  it('jsonForScript leaves no "<" and round-trips', () => {
    const value = { text: '</script><!-- \u2028\u2029' }
    const json = jsonForScript(value)
    expect(json).not.toContain('<')
    expect(json).not.toMatch(/[\u2028\u2029]/)
    expect(JSON.parse(json)).toEqual(value)
  })
})
