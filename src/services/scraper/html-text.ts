/**
 * HTML to readable plain text: tags dropped, entities decoded, paragraphs and list items
 * kept as line breaks so a description still reads like the page did.
 */
import { load } from 'cheerio'
import { decodeHTML } from 'entities'
import type { AnyNode } from 'domhandler'
import { checkMarkup } from './markup-scan'

/** Elements that start a new paragraph. */
const PARAGRAPHS = new Set([
  'p',
  'div',
  'section',
  'article',
  'header',
  'footer',
  'main',
  'aside',
  'blockquote',
  'pre',
  'table',
  'ul',
  'ol',
  'dl',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'figure',
  'form',
  'fieldset',
  'address',
  'hr'
])
/** Elements that start a new line. */
const LINES = new Set(['tr', 'dt', 'dd', 'li'])
const INVISIBLE = new Set(['head', 'template', 'iframe', 'svg', 'noscript', 'button', 'select', 'object'])

export function htmlToText(html: string): string {
  // Parsed as a document, not as a fragment: cheerio's parse5 fragment mode moves each
  // top-level node one by one and takes seconds on a 250 KB description made of 50,000
  // <br>s or <p>s (quadratic); the document parse stays linear. The content lands in <body>.
  // Its nesting is bounded first: parse5 and appendText are both super-linear in depth.
  checkMarkup(html, 'a description')
  const $ = load(html)
  const parts: string[] = []
  appendText($('body').contents().toArray(), parts)
  return tidy(parts.join(''))
}

/**
 * One line of text (a title, a company name): entities decoded, spaces collapsed. Tag-like
 * text is kept as written: in a JSON-LD string or a decoded microdata value, "Angle &
 * Bracket <Labs>" is a name, not markup.
 */
export function plainLine(value: string): string {
  const text = value.includes('&') ? decodeEntities(value) : value
  return text.replace(/\s+/g, ' ').trim()
}

/** Decodes HTML entities without parsing tags: with every "<" escaped, the parser sees only text. */
function decodeEntities(value: string): string {
  return load(value.replace(/</g, '&lt;'), null, false).root().text()
}

/**
 * A description as plain text. Some boards (Greenhouse among them) put HTML-escaped HTML in
 * JSON-LD, so the first pass yields tags as text; a second pass then removes those.
 */
export function descriptionText(value: string): string {
  // Plain text with line breaks (Workday does this) keeps them: they are its paragraphs.
  const hasTags = /<[a-z!/]/i.test(value)
  const once = /[<\0]/.test(value) ? htmlToText(hasTags ? value : value.replace(/\r?\n/g, '<br>')) : plainText(value)
  // A lookahead, not `[^>]*>`: that rescans to the end from every "<p" with no ">" after it,
  // which made a crafted description (`&lt;p ` × 100k) take minutes.
  return /<\/?(p|br|div|ul|ol|li|strong|em|b|i|h[1-6]|span|a)(?=[\s/>])/i.test(once) ? htmlToText(once) : once
}

/**
 * Text with no `<` and no NUL, as htmlToText reads its lines joined by `<br>` (under the same
 * markup limits), without parsing it: the parser makes each line one text node, its character
 * references decoded as parse5 decodes them (the same `entities` decoder, in its legacy mode
 * for text), and each break one `<br>`.
 */
function plainText(value: string): string {
  const lines = value.split(/\r?\n/)
  checkMarkup(lines.join('<br>'), 'a description')
  return tidy(lines.map((line) => (line.includes('&') ? decodeHTML(line) : line).replace(/\s+/g, ' ')).join('\n'))
}

function appendText(nodes: AnyNode[], parts: string[]): void {
  for (const node of nodes) {
    if (node.type === 'text') {
      parts.push(node.data.replace(/\s+/g, ' '))
    } else if (node.type === 'tag') {
      if (INVISIBLE.has(node.name)) continue
      if (node.name === 'br') {
        parts.push('\n')
        continue
      }
      const paragraph = PARAGRAPHS.has(node.name)
      // A line element only needs a break before it: the next one, or the end of its list, ends it.
      parts.push(paragraph ? '\n\n' : LINES.has(node.name) ? '\n' : '', node.name === 'li' ? '• ' : '')
      appendText(node.children, parts)
      if (paragraph) parts.push('\n\n')
    }
    // Comments, CDATA, <script> and <style> (their own node types) carry no readable text.
  }
}

/** Trims every line and keeps at most one blank line between paragraphs. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
