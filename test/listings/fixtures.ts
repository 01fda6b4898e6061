/** Test listings and per-file index names for the listings and API integration tests. */
import { randomBytes } from 'node:crypto'
import type { Listing } from '../../src/shared/listing'

export { TEST_ES_URL as ES_URL } from '../support/test-endpoints'

export function uniqueIndex(prefix: string): string {
  return `test-${prefix}-${randomBytes(4).toString('hex')}`
}

export function uniqueId(prefix = 'job'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

export function makeListing(id: string, overrides: Partial<Listing> = {}): Listing {
  return {
    ID: id,
    JSON: { '@type': 'JobPosting', title: 'Backend Engineer', identifier: { value: id } },
    title: 'Backend Engineer',
    company: 'Acme Widgets',
    location: 'Berlin, Germany',
    employmentType: ['FULL_TIME'],
    datePosted: '2026-11-01',
    validThrough: '2026-12-31',
    salary: { min: 60000, max: 80000, currency: 'EUR', unit: 'YEAR' },
    skills: ['TypeScript', 'PostgreSQL'],
    description: 'You will build reliable services in a small team.',
    url: `http://127.0.0.1:9/jobs/${id}`,
    scrapedAt: new Date().toISOString(),
    extractedFrom: 'json-ld',
    ...overrides
  }
}

/** A scrape function that counts its calls and takes a little time, like a real scrape. */
export function countingScrape(
  delayMs = 50,
  make: (id: string) => Listing = (id) => makeListing(id)
): {
  scrape: (id: string) => Promise<Listing>
  calls: string[]
} {
  const calls: string[] = []
  return {
    calls,
    scrape: async (id) => {
      calls.push(id)
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      return make(id)
    }
  }
}
