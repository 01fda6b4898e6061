/**
 * Hostile pages (deep nesting, a huge JSON-LD array) are refused as PageTooComplex by the
 * pre-scan, before cheerio spends seconds on them; pages within the limits still parse.
 */
import { describe, expect, it } from 'vitest'
import { HOSTILE_PAGES } from '../../../test/fixtures/hostile-pages'
import { parseListing } from './parse-listing'
import { PAGE_LIMITS } from './page-limits'

const CONTEXT = { id: 'h-1', url: 'http://127.0.0.1:8081/jobs/h-1', scrapedAt: '2024-11-05T12:00:00.000Z' }

function jsonLdPage(posting: Record<string, unknown>): string {
  return `<html><body><h1>Job</h1><script type="application/ld+json">${JSON.stringify({ '@type': 'JobPosting', title: 'T', ...posting })}</script></body></html>`
}

function refusedQuickly(html: string, detail: RegExp): void {
  const started = performance.now()
  expect(() => parseListing(html, CONTEXT)).toThrow(
    expect.objectContaining({ name: 'PageTooComplex', url: CONTEXT.url, message: expect.stringMatching(detail) })
  )
  // Before the limits these took 10 s, minutes and 21 s; alone they now take well under 1 s,
  // and the bound leaves room for a machine busy with other suites.
  expect(performance.now() - started).toBeLessThan(5000)
}

describe('parseListing on hostile pages', { timeout: 20_000 }, () => {
  it('refuses a body of 200k nested <div>', () => {
    refusedQuickly(HOSTILE_PAGES.deepBody(), /the page nests elements more than 512 deep/)
  })

  it('refuses a JSON-LD description of 40k nested <div>', () => {
    refusedQuickly(HOSTILE_PAGES.deepDescription(), /a description nests elements/)
  })

  it('refuses 400k one-character skills', () => {
    refusedQuickly(HOSTILE_PAGES.manySkills(), /array has more than 5000 items/)
  })

  it('refuses a JSON-LD block nested 100k levels deep', () => {
    refusedQuickly(
      `<h1>x</h1><script type="application/ld+json">${'['.repeat(100_000)}</script>`,
      /nests more than 32 levels/
    )
  })

  it('still parses a posting at the limits', () => {
    const listing = parseListing(
      jsonLdPage({
        description: '<div>'.repeat(PAGE_LIMITS.maxDepth - 10) + 'deep text',
        skills: Array.from({ length: PAGE_LIMITS.maxJsonItems }, (_, i) => `s${i}`)
      }),
      CONTEXT
    )
    expect(listing.description).toBe('deep text')
    expect(listing.skills).toHaveLength(PAGE_LIMITS.maxJsonItems)
  })
})
