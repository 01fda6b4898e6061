import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { checkMarkup } from './markup-scan'
import { PAGE_LIMITS } from './page-limits'

const { maxDepth, maxElements } = PAGE_LIMITS

/** The depth parse5 really builds, to check the estimate against the real parser. */
function realDepth(html: string): number {
  let deepest = 0
  const walk = (node: { children?: unknown[] }, depth: number): void => {
    deepest = Math.max(deepest, depth)
    for (const child of node.children ?? [])
      if ((child as { type: string }).type === 'tag') walk(child as { children?: unknown[] }, depth + 1)
  }
  walk(load(html)('body').get(0) as { children?: unknown[] }, 0)
  return deepest
}

describe('checkMarkup', () => {
  it('refuses nesting past the limit, however the nesting is written', () => {
    for (const opener of ['<div>', '<div/>', '<span>', '<p><div>', '<ul><li>', '<table><tr><td>']) {
      // Each repeat adds at least one real level (parse5 nests `<p><div>` one div deeper each time).
      expect(() => checkMarkup(opener.repeat(maxDepth + 1), 'x'), opener).toThrow(/nests elements more than 512 deep/)
    }
  })

  it('never estimates shallower than the real parser on those shapes', () => {
    for (const opener of ['<div>', '<div/>', '<p><div>', '<ul><li>', '<b><i>']) {
      const html = opener.repeat(200)
      expect(realDepth(html)).toBeLessThanOrEqual(maxDepth)
      // The estimate is allowed to be deeper; checked at a limit of 512 with ~200–400 real levels.
      expect(() => checkMarkup(html, 'x'), opener).not.toThrow()
    }
  })

  it('counts elements, void ones included', () => {
    expect(() => checkMarkup('<br>'.repeat(maxElements + 1), 'the page')).toThrow(
      `the page has more than ${maxElements} elements`
    )
    expect(() => checkMarkup('<br>'.repeat(maxElements), 'the page')).not.toThrow()
  })

  it('takes the usual unclosed elements and void elements as real pages write them', () => {
    const paragraphs = '<p>one<p>two<li>a<li>b<br><img src=x><input><hr>'.repeat(2000)
    expect(() => checkMarkup(`<html><body>${paragraphs}</body></html>`, 'x')).not.toThrow()
    expect(() => checkMarkup('<div><span>x</span></div>'.repeat(20_000), 'x')).not.toThrow()
  })

  it('looks at no tags inside scripts, styles and comments', () => {
    const nested = '<div>'.repeat(maxDepth + 1)
    for (const wrapped of [
      `<script>${nested}</script>`,
      `<style>${nested}</STYLE >`,
      `<!--${nested}-->`,
      `<textarea>${nested}</textarea>`
    ]) {
      expect(() => checkMarkup(`<p>x</p>${wrapped}<p>y</p>`, 'x'), wrapped.slice(0, 12)).not.toThrow()
    }
  })

  it('honours self-closing tags only in SVG and MathML, where the parser does', () => {
    expect(() => checkMarkup(`<svg>${'<path/>'.repeat(maxDepth + 1)}</svg>`, 'x')).not.toThrow()
    expect(() => checkMarkup('<span/>'.repeat(maxDepth + 1), 'x')).toThrow(/deep/)
  })

  // How fast is bench/markup-scan.bench.ts's to measure.
  it('scans 5 MB hostile pages to the end: too deep refused, degenerate tags and comments let through', () => {
    expect(() => checkMarkup('<div>'.repeat(1_000_000), 'x')).toThrow(/deep/)
    expect(() => checkMarkup('<a<'.repeat(1_500_000), 'x')).not.toThrow()
    expect(() => checkMarkup('<!--'.repeat(1_000_000), 'x')).not.toThrow()
  })
})
