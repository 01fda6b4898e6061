/**
 * What the JSON-LD path of the parse reads of a page, without building its DOM: the
 * `application/ld+json` blocks, the first canonical link's href and the first og:url, in
 * document order. One pass of htmlparser2's tokenizer costs a fraction of cheerio's parse5
 * load, which builds the whole tree.
 *
 * A tokenizer and the HTML tree builder agree on which elements a page has, in which order,
 * except where the tree builder moves or drops elements or reads raw text differently: tables
 * (foster parenting), frameset, template, select, SVG and MathML, the raw-text elements
 * htmlparser2 does not treat as raw text (noscript, iframe, noembed, noframes, plaintext),
 * CDATA, the comment forms parse5 ends early or late, `</` not followed by a tag name, NUL
 * characters, and `<!--` inside a script (parse5's escaped script states). A page with any of
 * them answers null, and the caller builds the DOM as before: it may cost time, never a
 * different answer.
 */
import { Parser } from 'htmlparser2'

export interface ScannedPage {
  /** The text of every `<script type="application/ld+json">`, in document order. */
  jsonLd: string[]
  /** The href of the first `<link rel="canonical">` (undefined when it has none, or there is none). */
  canonicalHref: string | undefined
  /** The content of the first `<meta property|name="og:url">` (undefined when it has none, or there is none). */
  ogUrl: string | undefined
}

const TREE_BUILDER_TERRITORY =
  /<(?:table|frameset|template|select|svg|math|noscript|iframe|noembed|noframes|plaintext)[\s/>]|<!\[CDATA\[|<!--(?:-?>)|--!>|<\/[^a-z]|\0/i

export function scanPage(html: string): ScannedPage | null {
  if (TREE_BUILDER_TERRITORY.test(html)) return null
  // The HTML input stream turns CRLF and lone CR into LF before tokenizing; parse5 does.
  const input = html.includes('\r') ? html.replace(/\r\n?/g, '\n') : html
  const page: ScannedPage = { jsonLd: [], canonicalHref: undefined, ogUrl: undefined }
  let canonicalSeen = false
  let ogUrlSeen = false
  let script: { jsonLd: boolean; text: string } | null = null
  let escaped = false
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === 'script') {
          script = { jsonLd: isJsonLdType(attribs['type']), text: '' }
        } else if (name === 'link' && !canonicalSeen && attribs['rel']?.toLowerCase() === 'canonical') {
          // `[rel="canonical"]` matches case-insensitively: rel is one of HTML's case-insensitive attributes.
          canonicalSeen = true
          page.canonicalHref = attribs['href']
        } else if (
          name === 'meta' &&
          !ogUrlSeen &&
          (attribs['property'] === 'og:url' || attribs['name'] === 'og:url')
        ) {
          ogUrlSeen = true
          page.ogUrl = attribs['content']
        }
      },
      ontext(text) {
        if (script !== null) script.text += text
      },
      onclosetag(name) {
        if (name !== 'script' || script === null) return
        if (script.text.includes('<!--')) escaped = true
        if (script.jsonLd) page.jsonLd.push(script.text)
        script = null
      }
    },
    { decodeEntities: true }
  )
  parser.end(input)
  return escaped ? null : page
}

function isJsonLdType(type: string | undefined): boolean {
  return (type ?? '').split(';')[0]?.trim().toLowerCase() === 'application/ld+json'
}
