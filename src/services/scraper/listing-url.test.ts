import { describe, expect, it } from 'vitest'
import { listingUrl } from './listing-url'
import { InvalidListingId } from './scrape-errors'

const TEMPLATE = 'http://127.0.0.1:8081/jobs/{id}'

describe('listingUrl', () => {
  it('puts a valid id into the template', () => {
    expect(listingUrl('abc-123_v2.1', TEMPLATE)).toBe('http://127.0.0.1:8081/jobs/abc-123_v2.1')
    expect(listingUrl('42', 'https://board.example/view?job={id}&src=x')).toBe(
      'https://board.example/view?job=42&src=x'
    )
  })

  it.each(['../admin', 'a/b', '..', '.', '', 'a?b=1', 'a#frag', '%2e%2e', 'a b', 'x'.repeat(65), 'é'])(
    'refuses %j with InvalidListingId',
    (id) => {
      expect(() => listingUrl(id, TEMPLATE)).toThrow(InvalidListingId)
    }
  )

  it('refuses ids that are not strings, saying what they were', () => {
    expect(() => listingUrl(42, TEMPLATE)).toThrow('Invalid listing id of type number: a listing id must be a string')
    expect(() => listingUrl(null, TEMPLATE)).toThrow(/of type null/)
  })

  it('gives errors with the right name and Nameko exc_path', () => {
    try {
      listingUrl('../admin', TEMPLATE)
      expect.unreachable()
    } catch (err) {
      expect((err as InvalidListingId).name).toBe('InvalidListingId')
      expect((err as InvalidListingId).excPath).toBe('scrapedeck.scraper.InvalidListingId')
      expect((err as Error).message).toContain('"../admin"')
    }
  })

  it('refuses unusable templates with a plain configuration error', () => {
    expect(() => listingUrl('1', 'http://127.0.0.1/jobs/')).toThrow(/must contain \{id\}/)
    expect(() => listingUrl('1', '/jobs/{id}')).toThrow(/not an absolute URL/)
    expect(() => listingUrl('1', 'file:///etc/{id}')).toThrow(/http or https/)
  })
})
