import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { findJsonLdPosting, parseJsonLd } from './json-ld'

function page(...blocks: string[]): string {
  return `<html><head>${blocks.map((block) => `<script type="application/ld+json">${block}</script>`).join('')}</head></html>`
}

describe('findJsonLdPosting', () => {
  it('accepts the schema.org type written as a URL or a prefixed name, and a type attribute with parameters', () => {
    for (const type of ['"https://schema.org/JobPosting"', '"schema:JobPosting"', '["Thing","JobPosting"]']) {
      const $ = load(page(`{"@type":${type},"title":"T"}`))
      expect(findJsonLdPosting($)?.posting['title']).toBe('T')
    }
    const $ = load('<script type="application/ld+json; charset=utf-8">{"@type":"JobPosting","title":"U"}</script>')
    expect(findJsonLdPosting($)?.posting['title']).toBe('U')
  })

  it('returns null for pages whose JSON-LD holds no JobPosting', () => {
    expect(findJsonLdPosting(load(page('{"@type":"BlogPosting"}', '[1,2,3]', 'null', '"text"')))).toBeNull()
  })

  it('never throws on malformed blocks, whatever their shape', () => {
    const junk = [
      '',
      '{',
      '}',
      '{"@type":"JobPosting",',
      '[{"@type":',
      'undefined',
      '<!-- -->',
      '{"a":1}}',
      '\u0000',
      '{"@graph": {"@graph": 1}}'
    ]
    for (let seed = 0; seed < 200; seed++) {
      const block = junk[seed % junk.length]! + junk[(seed * 7) % junk.length]!
      expect(() => findJsonLdPosting(load(page(block)))).not.toThrow()
    }
  })
})

describe('parseJsonLd', () => {
  it('unwraps CDATA and HTML comment wrappers', () => {
    expect(parseJsonLd('//<![CDATA[\n{"a":1}\n//]]>')).toEqual({ a: 1 })
    expect(parseJsonLd('<!--{"a":2}-->')).toEqual({ a: 2 })
  })

  it('repairs trailing commas, comments and glued objects', () => {
    expect(parseJsonLd('{"a":1,}')).toEqual({ a: 1 })
    expect(parseJsonLd('{"a": /* x */ 1 // y\n}')).toEqual({ a: 1 })
    expect(parseJsonLd('{"a":1}{"b":[2]} ["c"]')).toEqual([{ a: 1 }, { b: [2] }, ['c']])
  })

  it('gives undefined for text that is not JSON even after repairs', () => {
    expect(parseJsonLd('var x = 1; function(){}')).toBeUndefined()
    expect(parseJsonLd('<p>not json</p>')).toBeUndefined()
  })
})
