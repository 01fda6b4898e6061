/**
 * The contract between the job board and the scraper: for every active page the board
 * serves, the scraper's parseListing reads back what the catalog says is on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Listing } from '../../src/shared/listing.js'
import type { CatalogListing } from '../../src/services/jobboard/catalog.js'
import { startJobBoard } from '../../src/services/jobboard/server.js'
import type { RunningJobBoard } from '../../src/services/jobboard/server.js'
import { parseListing } from '../../src/services/scraper/parse-listing.js'
import { scrapeListing } from '../../src/services/scraper/scrape-listing.js'

/**
 * Names with tag-like text ("Angle & Bracket <Labs>") are checked on their own: a scraper
 * that strips anything looking like a tag from plain fields loses real text on them.
 */
const hasTagLikeText = (listing: CatalogListing): boolean =>
  /<[A-Za-z/]/.test(listing.company) || /<[A-Za-z/]/.test(listing.title)

describe('scraper parseListing over every active job board page', () => {
  let board: RunningJobBoard
  const parsed = new Map<string, Listing>()
  let active: CatalogListing[] = []

  beforeAll(async () => {
    board = await startJobBoard({ port: 0 })
    active = board.catalog.listings.filter((listing) => listing.status === 'active')
    for (const listing of active) {
      const url = `${board.url}/jobs/${listing.id}`
      const response = await fetch(url)
      expect(response.status, url).toBe(200)
      parsed.set(
        listing.id,
        parseListing(await response.text(), { id: listing.id, url, scrapedAt: '2026-12-01T00:00:00.000Z' })
      )
    }
  })
  afterAll(async () => board.close())

  it('reads title, company and location exactly as the catalog has them, from the expected source', () => {
    const checked = active
    expect(checked.length).toBeGreaterThan(200)
    const mismatches = checked.flatMap((listing) => {
      const got = parsed.get(listing.id)!
      const expected = {
        title: listing.title,
        company: listing.company,
        location: listing.location,
        extractedFrom: listing.page.structure === 'microdata' ? 'microdata' : 'json-ld'
      }
      const actual = {
        title: got.title,
        company: got.company,
        location: got.location,
        extractedFrom: got.extractedFrom
      }
      return JSON.stringify(actual) === JSON.stringify(expected)
        ? []
        : [{ id: listing.id, page: listing.page, expected, actual }]
    })
    expect(mismatches).toEqual([])
  })

  it('reads the other normalized fields as the catalog has them too', () => {
    const mismatches = active.flatMap((listing) => {
      const got = parsed.get(listing.id)!
      const expected = {
        employmentType: listing.employmentType,
        skills: listing.skills,
        datePosted: listing.datePosted,
        validThrough: listing.validThrough,
        salary: listing.salary
      }
      const actual = {
        employmentType: got.employmentType,
        skills: got.skills,
        datePosted: got.datePosted?.slice(0, 10) ?? null,
        validThrough: got.validThrough?.slice(0, 10) ?? null,
        salary: got.salary
      }
      return JSON.stringify(actual) === JSON.stringify(expected)
        ? []
        : [{ id: listing.id, page: listing.page, expected, actual }]
    })
    expect(mismatches).toEqual([])
  })

  it('keeps the description readable: every list item of the catalog appears in it', () => {
    for (const listing of active) {
      const description = parsed.get(listing.id)!.description
      for (const block of listing.description) {
        if (block.kind === 'list') for (const item of block.items) expect(description, listing.id).toContain(item)
      }
    }
  })

  it('reads company names with tag-like text exactly', () => {
    const affected = active.filter(hasTagLikeText)
    expect(affected.length).toBeGreaterThan(0)
    for (const listing of affected) expect(parsed.get(listing.id)!.company).toBe(listing.company)
  })
})

describe('scraper scrapeListing against the board’s statuses', () => {
  it('maps 404 and 410 to ListingNotFound and 503 to SourceUnavailable', async () => {
    const board = await startJobBoard({ port: 0 })
    const flaky = await startJobBoard({ port: 0, failureRate: 1 })
    try {
      const template = `${board.url}/jobs/{id}`
      const expired = board.catalog.listings.find((listing) => listing.status === 'expired')!
      const activeOne = board.catalog.listings.find((listing) => listing.status === 'active')!
      await expect(scrapeListing('1', { sourceUrlTemplate: template })).rejects.toMatchObject({
        name: 'ListingNotFound'
      })
      await expect(scrapeListing(expired.id, { sourceUrlTemplate: template })).rejects.toMatchObject({
        name: 'ListingNotFound'
      })
      await expect(scrapeListing(activeOne.id, { sourceUrlTemplate: `${flaky.url}/jobs/{id}` })).rejects.toMatchObject({
        name: 'SourceUnavailable'
      })
      await expect(scrapeListing(activeOne.id, { sourceUrlTemplate: template })).resolves.toMatchObject({
        ID: activeOne.id,
        title: activeOne.title
      })
    } finally {
      await Promise.all([board.close(), flaky.close()])
    }
  })
})
