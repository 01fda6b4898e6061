import { describe, expect, it } from 'vitest'
import { generateCatalog } from './catalog.js'
import { createBoardChurn, parseChurn } from './churn.js'
import { isNotModified, listingValidators } from './conditional-get.js'
import type { IncomingMessage } from 'node:http'

describe('parseChurn', () => {
  it('reads the text and the JSON forms, and refuses anything else', () => {
    expect(parseChurn('')).toBeNull()
    expect(parseChurn('5/10/3')).toEqual({ new: 5, changed: 10, removed: 3, everyMs: null })
    expect(parseChurn('5/10/3/60000')).toEqual({ new: 5, changed: 10, removed: 3, everyMs: 60000 })
    expect(parseChurn('{"new":1,"changed":2,"removed":0}')).toEqual({ new: 1, changed: 2, removed: 0, everyMs: null })
    expect(() => parseChurn('5/ten/3')).toThrow(/NEW\/CHANGED\/REMOVED/)
    expect(() => parseChurn('5/10/3/50')).toThrow(/at least 100/)
  })
})

describe('a board moved one epoch', () => {
  const catalog = generateCatalog({ seed: 7, count: 200 })

  it('adds, changes and removes exactly as many listings as asked, the same ones on every run', () => {
    const first = createBoardChurn(catalog, { new: 4, changed: 6, removed: 3, everyMs: null })
    const again = createBoardChurn(catalog, { new: 4, changed: 6, removed: 3, everyMs: null })
    const truth = first.advance(new Date('2026-12-07T10:00:00Z'))
    expect(again.advance(new Date('2026-12-07T11:00:00Z'))).toEqual(truth)
    expect(truth.new).toHaveLength(4)
    expect(truth.changed).toHaveLength(6)
    expect(truth.removed).toHaveLength(3)
    for (const id of truth.removed) expect(first.current(id)).toBeUndefined()
    for (const { id, fields } of truth.changed) {
      const before = catalog.byId.get(id)!
      const after = first.current(id)!
      expect(after.lastmod).toBe('2026-12-07T10:00:00.000Z')
      for (const field of fields) expect(after.listing[field]).not.toEqual(before[field])
      expect(after.listing.description).toEqual(before.description)
    }
    const listed = first.listed().map((row) => row.id)
    expect(listed).toEqual(expect.arrayContaining(truth.new))
    expect(listed.filter((id) => truth.removed.includes(id))).toEqual([])
    expect(listed).toHaveLength(200 + 4 - 3)
  })

  it('says what changed across several epochs as the difference of the two states', () => {
    const churn = createBoardChurn(catalog, { new: 2, changed: 5, removed: 2, everyMs: null })
    const one = churn.advance(new Date('2026-12-07T10:00:00Z'))
    const two = churn.advance(new Date('2026-12-07T10:00:00Z'))
    const both = churn.truth(0, 2)
    expect(both.new).toEqual([...new Set([...one.new, ...two.new])].filter((id) => !two.removed.includes(id)).sort())
    expect(both.removed.every((id) => !one.new.includes(id))).toBe(true)
    // Epochs are a second apart at least: Last-Modified has whole seconds.
    expect(churn.epochAt).toBe('2026-12-07T10:00:01.000Z')
  })
})

describe('conditional GET', () => {
  const request = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage
  const validators = listingValidators('200123', 2, '2026-12-07T10:00:00.000Z')

  it('answers 304 for the current ETag or a date not before the last change, If-None-Match first', () => {
    expect(validators).toEqual({ etag: '"200123-2"', lastModified: 'Mon, 07 Dec 2026 10:00:00 GMT' })
    expect(isNotModified(request({ 'if-none-match': '"200123-2"' }), validators)).toBe(true)
    expect(isNotModified(request({ 'if-none-match': 'W/"200123-1", "200123-2"' }), validators)).toBe(true)
    expect(isNotModified(request({ 'if-none-match': '"200123-1"' }), validators)).toBe(false)
    expect(isNotModified(request({ 'if-modified-since': 'Mon, 07 Dec 2026 10:00:00 GMT' }), validators)).toBe(true)
    expect(isNotModified(request({ 'if-modified-since': 'Mon, 07 Dec 2026 09:59:59 GMT' }), validators)).toBe(false)
    expect(
      isNotModified(
        request({ 'if-none-match': '"200123-1"', 'if-modified-since': 'Mon, 07 Dec 2026 11:00:00 GMT' }),
        validators
      )
    ).toBe(false)
    expect(listingValidators('1', 0, '2026-11-03').lastModified).toBe('Tue, 03 Nov 2026 00:00:00 GMT')
  })
})
