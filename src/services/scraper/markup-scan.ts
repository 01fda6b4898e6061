/**
 * A linear pre-scan of HTML that estimates nesting depth and counts elements, so a page
 * that would take cheerio seconds or minutes is refused in milliseconds (page-limits.ts).
 *
 * It follows the few HTML rules that decide depth: void elements never nest, raw-text
 * elements (<script>, <style>…) hold no tags, `<x/>` nests outside SVG/MathML, a close tag
 * closes everything opened inside it, and the usual unclosed elements (`<p>a<p>b`,
 * `<li>a<li>b`) end when the next one starts. Where it differs from the real parser it errs
 * towards counting deeper (it closes an implied element only when it is the innermost one),
 * so a hostile page does not slip under the limit; the parse deadline is the backstop.
 */
import { PAGE_LIMITS, TooComplex } from './page-limits'

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr'
])
const RAW_TEXT = ['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']
/** Elements a new one of the same name closes when it is the innermost open element. */
const IMPLIED_END = new Set(['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'rb', 'rt', 'rp'])
/** Elements whose start closes an open <p> (HTML's "close a p element" rule), when p is innermost. */
const CLOSES_P = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'li',
  'listing',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'pre',
  'search',
  'section',
  'summary',
  'table',
  'ul'
])
const FOREIGN = new Set(['svg', 'math'])
const RAW_TEXT_END = new Map(RAW_TEXT.map((name) => [name, new RegExp(`</${name}[\\s/>]`, 'gi')]))

/** Throws TooComplex when `html` nests deeper or holds more elements than PAGE_LIMITS allow. */
export function checkMarkup(html: string, what: string): void {
  const open = new OpenElements()
  let elements = 0
  let at = 0
  for (;;) {
    const lt = html.indexOf('<', at)
    if (lt === -1 || lt + 1 >= html.length) return
    const next = html[lt + 1] as string
    if (next === '!' || next === '?') {
      at = html.startsWith('<!--', lt) ? after(html, '-->', lt + 4) : after(html, '>', lt)
      continue
    }
    const closing = next === '/'
    const nameStart = closing ? lt + 2 : lt + 1
    if (!/[a-z]/i.test(html[nameStart] ?? '')) {
      at = lt + 1 // a bare "<" in text
      continue
    }
    const end = html.indexOf('>', nameStart)
    if (end === -1) return // the rest of the input is one unfinished tag: no more elements
    const name = tagName(html, nameStart, end)
    at = end + 1
    if (closing) {
      open.closeThrough(name)
      continue
    }
    if (++elements > PAGE_LIMITS.maxElements)
      throw new TooComplex(`${what} has more than ${PAGE_LIMITS.maxElements} elements`)
    if (CLOSES_P.has(name) && open.innermost() === 'p') open.closeThrough('p')
    if (IMPLIED_END.has(name) && open.innermost() === name) open.closeThrough(name)
    const selfClosed = html[end - 1] === '/' && open.inForeignContent()
    if (VOID.has(name) || selfClosed) continue
    if (open.push(name) > PAGE_LIMITS.maxDepth)
      throw new TooComplex(`${what} nests elements more than ${PAGE_LIMITS.maxDepth} deep`)
    const rawEnd = RAW_TEXT_END.get(name)
    if (rawEnd !== undefined) {
      rawEnd.lastIndex = at
      const found = rawEnd.exec(html)
      if (found === null) return // unclosed <script>: the rest is its text
      open.closeThrough(name)
      at = after(html, '>', found.index)
    }
  }
}

/** The stack of open elements, with a count per name so "is x open?" costs nothing. */
class OpenElements {
  private readonly stack: string[] = []
  private readonly counts = new Map<string, number>()

  push(name: string): number {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1)
    return this.stack.push(name)
  }

  innermost(): string | undefined {
    return this.stack[this.stack.length - 1]
  }

  inForeignContent(): boolean {
    return [...FOREIGN].some((root) => (this.counts.get(root) ?? 0) > 0)
  }

  /** Pops up to and including the innermost `name`; a close tag for nothing open is ignored. */
  closeThrough(name: string): void {
    if ((this.counts.get(name) ?? 0) === 0) return
    for (;;) {
      const popped = this.stack.pop() as string
      this.counts.set(popped, (this.counts.get(popped) ?? 1) - 1)
      if (popped === name) return
    }
  }
}

function tagName(html: string, start: number, end: number): string {
  let stop = start
  while (stop < end && !/[\s/]/.test(html[stop] as string)) stop++
  return html.slice(start, stop).toLowerCase()
}

function after(html: string, token: string, from: number): number {
  const found = html.indexOf(token, from)
  return found === -1 ? html.length : found + token.length
}
