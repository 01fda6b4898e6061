/**
 * The scan without a DOM must read a page exactly as cheerio's parse5 DOM does, or decline:
 * checked on the board's pages, the fixture pages, and pages with markup where a tokenizer and
 * the tree builder can disagree inserted at random places. The listing it leads to is checked
 * the same way: parseListing with and without the scan gives the same answer.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { generateCatalog } from '../jobboard/catalog'
import { renderListingPage } from '../jobboard/listing-page'
import { createSeededRandom } from '../jobboard/seeded-random'
import { descriptionText, htmlToText } from './html-text'
import { parseListing } from './parse-listing'
import { scanPage } from './page-scan'
import type { ScannedPage } from './page-scan'

const SITE = 'http://127.0.0.1:8081'

function domReading(html: string): ScannedPage {
  const $ = load(html)
  return {
    jsonLd: $('script')
      .toArray()
      .filter((s) => ($(s).attr('type') ?? '').split(';')[0]?.trim().toLowerCase() === 'application/ld+json')
      .map((s) => $(s).text()),
    canonicalHref: $('link[rel="canonical"]').attr('href'),
    ogUrl: $('meta[property="og:url"], meta[name="og:url"]').first().attr('content')
  }
}

function fixturePages(folder: string): string[] {
  const dir = new URL(`../../../test/fixtures/${folder}/`, import.meta.url)
  return readdirSync(dir)
    .filter((name) => name.endsWith('.html'))
    .map((name) => readFileSync(new URL(name, dir), 'utf8'))
}

const catalog = generateCatalog({ count: 60 })
const boardPages = catalog.listings.map((listing) =>
  renderListingPage({ listing, siteUrl: SITE, related: catalog.listings.slice(0, 3) })
)
const pages = [...boardPages, ...fixturePages('pages'), ...fixturePages('json-ld-broken')]

/** Markup the tree builder may read otherwise than a tokenizer, and markup both read alike. */
const SNIPPETS = [
  '<table><tr><td>',
  '</table>',
  '<script type="application/ld+json">{"@type":"JobPosting","title":"Inserted"}</script>',
  '<script type="Application/LD+JSON ; charset=utf-8">{"@type":"JobPosting","title":"Typed"}</script>',
  '<script>var a = "<!--<script>";</script>',
  '<script>if (a < b) {}</script>',
  '<link rel="Canonical" href="/other">',
  '<link rel=canonical>',
  '<LINK REL="canonical" HREF="/upper?a=1&amp;b=2">',
  '<meta property="og:url" content="  /og  ">',
  '<meta name="og:url">',
  '<!-- a comment with <script type="application/ld+json">{}</script> -->',
  '<!-->',
  '<!--->',
  '<!-- a --!>',
  '</ x>',
  '</>',
  '<noscript><script type="application/ld+json">{"@type":"JobPosting","title":"N"}</script></noscript>',
  '<svg><script>a</script></svg>',
  '<math><mi>x</mi></math>',
  '<textarea><script type="application/ld+json">{}</script></textarea>',
  '<title><link rel="canonical" href="/t"></title>',
  '<style></script><link rel="canonical" href="/s"></style>',
  '<xmp><script type="application/ld+json">{}</script></xmp>',
  '<select><link rel="canonical" href="/sel"></select>',
  '<template><link rel="canonical" href="/tpl"></template>',
  '<iframe><script type="application/ld+json">{}</script></iframe>',
  '<![CDATA[ <script type="application/ld+json">{}</script> ]]>',
  '<?xml version="1.0"?>',
  '<b><i></b></i>',
  '<p>one<p>two',
  "<a href='x>y'>z</a>",
  '<div title="<script>">',
  '<frameset>',
  '\r\n',
  '\r',
  '\u0000',
  '&amp;',
  '<br/>',
  '<script type="application/ld+json">{"@type":"JobPosting","title":"Unclosed"}'
]

function mutated(page: string, seed: number): string {
  const random = createSeededRandom(seed)
  let html = page
  for (let i = random.int(1, 3); i > 0; i--) {
    const at = random.int(0, html.length)
    html = html.slice(0, at) + random.pick(SNIPPETS) + html.slice(at)
  }
  return html
}

function outcome(html: string, read: 'any' | 'dom'): unknown {
  try {
    return parseListing(html, { id: 'p-1', url: `${SITE}/jobs/p-1`, scrapedAt: '2026-12-01T00:00:00.000Z' }, read)
  } catch (err) {
    return { error: (err as Error).name, message: (err as Error).message }
  }
}

describe('scanPage', () => {
  it("reads the board's pages and the fixture pages as their DOM does", () => {
    let read = 0
    for (const html of pages) {
      const scanned = scanPage(html)
      if (scanned === null) continue
      read += 1
      expect(scanned).toEqual(domReading(html))
    }
    // Every page of the board is read without a DOM.
    expect(read).toBeGreaterThanOrEqual(boardPages.length)
  })

  it('reads a page with markup inserted at random places as its DOM does, or declines', { timeout: 30_000 }, () => {
    let read = 0
    let declined = 0
    pages.forEach((page, i) => {
      for (let seed = 0; seed < 8; seed++) {
        const html = mutated(page, i * 100 + seed)
        const scanned = scanPage(html)
        if (scanned === null) {
          declined += 1
          continue
        }
        read += 1
        expect(scanned, html).toEqual(domReading(html))
      }
    })
    expect(read).toBeGreaterThan(50)
    expect(declined).toBeGreaterThan(50)
  })

  it('declines a JSON-LD block the tree builder reads otherwise', () => {
    const page = boardPages[0]!
    for (const snippet of ['<noscript>', '<table>', '<svg>', '<!-->', '</ x>', '\u0000', '<script><!--</script>'])
      expect(scanPage(page.replace('<body>', `<body>${snippet}`)), snippet).toBeNull()
  })
})

describe('parseListing without a DOM', () => {
  it(
    'answers what the DOM answers, listing or error, on every page and every mutated page',
    { timeout: 30_000 },
    () => {
      pages.forEach((page, i) => {
        expect(outcome(page, 'any')).toEqual(outcome(page, 'dom'))
        for (let seed = 0; seed < 3; seed++) {
          const html = mutated(page, 7000 + i * 10 + seed)
          expect(outcome(html, 'any'), html).toEqual(outcome(html, 'dom'))
        }
      })
    }
  )
})

describe('descriptionText of plain text', () => {
  /** The parser's reading of plain text, as descriptionText always did it: lines joined by <br>. */
  function viaParser(value: string): string {
    const once = htmlToText(value.replace(/\r?\n/g, '<br>'))
    return /<\/?(p|br|div|ul|ol|li|strong|em|b|i|h[1-6]|span|a)(?=[\s/>])/i.test(once) ? htmlToText(once) : once
  }

  const PIECES = [
    'Flexible hours & a four-day week',
    'R&D',
    '&amp;',
    '&amp',
    '&copy 2026',
    '&notit;',
    '&notin;',
    '&#60;p&#62;escaped&#60;/p&#62;',
    '&lt;br&gt;',
    '&#0;',
    '&#x110000;',
    '&#13;',
    '&nbsp;',
    '\u00a0',
    '\t',
    '  ',
    '\n',
    '\r\n',
    '\r',
    '\n\n\n',
    'é ü 🎉',
    '&unknown;',
    '&',
    'Senior Engineer (m/w/d)'
  ]

  it('is what the parser makes of it', () => {
    const random = createSeededRandom(23)
    for (let n = 0; n < 2000; n++) {
      const value = Array.from({ length: random.int(1, 8) }, () => random.pick(PIECES)).join(random.pick(['', ' ']))
      expect(descriptionText(value), JSON.stringify(value)).toBe(viaParser(value))
    }
  })
})
