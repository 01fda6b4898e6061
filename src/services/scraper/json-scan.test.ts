import { describe, expect, it } from 'vitest'
import { checkJson } from './json-scan'
import { PAGE_LIMITS } from './page-limits'

const { maxJsonDepth, maxJsonItems } = PAGE_LIMITS

describe('checkJson', () => {
  it('refuses nesting past the limit', () => {
    expect(() => checkJson('['.repeat(maxJsonDepth + 1))).toThrow(/nests more than 32 levels/)
    expect(() => checkJson('{"a":'.repeat(maxJsonDepth + 1))).toThrow(/nests more than/)
    expect(() => checkJson('['.repeat(maxJsonDepth) + ']'.repeat(maxJsonDepth))).not.toThrow()
  })

  it('refuses an array with more items than the limit, at any depth', () => {
    const items = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, i) => `s${i}`))
    expect(() => checkJson(items(maxJsonItems))).not.toThrow()
    expect(() => checkJson(items(maxJsonItems + 1))).toThrow(`a JSON-LD array has more than ${maxJsonItems} items`)
    expect(() => checkJson(`{"@graph":[{"skills":${items(maxJsonItems + 1)}}]}`)).toThrow(/more than/)
  })

  it('counts no commas or brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ description: '[,'.repeat(maxJsonItems * 2) + '\\"[[[' + '{'.repeat(100) })
    expect(() => checkJson(`[${text}]`)).not.toThrow()
    expect(() => checkJson(JSON.stringify({ a: ','.repeat(maxJsonItems * 2) }))).not.toThrow()
  })

  it('does not count the keys of an object as items', () => {
    const wide = Object.fromEntries(Array.from({ length: maxJsonItems * 2 }, (_, i) => [`k${i}`, i]))
    expect(() => checkJson(JSON.stringify(wide))).not.toThrow()
  })
})
