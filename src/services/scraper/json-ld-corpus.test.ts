/**
 * The broken JSON-LD real boards serve (test/fixtures/json-ld-broken/, expectations in its
 * expected.json): each page is read through repair, or refused with the right kind —
 * UnreadablePosting for a posting that cannot be read, NotAJobListing only with no posting.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseListing } from './parse-listing'

const CORPUS = new URL('../../../test/fixtures/json-ld-broken/', import.meta.url)
const expected = JSON.parse(readFileSync(new URL('expected.json', CORPUS), 'utf8')) as Record<
  string,
  Record<string, unknown>
>
const pages = readdirSync(CORPUS).filter((name) => name.endsWith('.html'))

describe('broken JSON-LD corpus', () => {
  it('has an expectation for every page', () => {
    expect(pages.sort()).toEqual(Object.keys(expected).sort())
  })

  it.each(pages)('%s', (name) => {
    const html = readFileSync(new URL(name, CORPUS), 'utf8')
    const context = { id: 'c-1', url: `http://127.0.0.1:8081/jobs/${name}`, scrapedAt: '2024-11-05T12:00:00.000Z' }
    const { error, ...fields } = expected[name] ?? {}
    if (error !== undefined) {
      expect(() => parseListing(html, context)).toThrow(expect.objectContaining({ name: error }))
      return
    }
    const listing = parseListing(html, context)
    expect(listing).toMatchObject({ ...fields, extractedFrom: 'json-ld' })
  })
})
