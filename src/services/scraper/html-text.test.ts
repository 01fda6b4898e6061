import { describe, expect, it } from 'vitest'
import { descriptionText, htmlToText, plainLine } from './html-text'

describe('htmlToText', () => {
  it('keeps paragraphs and list items as line breaks and drops scripts, styles and buttons', () => {
    const html =
      '<h2>Role</h2><p>Build  things.<br>Ship them.</p><script>alert(1)</script><style>p{}</style><ul><li>Go</li><li>SQL</li></ul><button>Apply</button>'
    expect(htmlToText(html)).toBe('Role\n\nBuild things.\nShip them.\n\n• Go\n• SQL')
  })

  it('decodes entities, including &nbsp;', () => {
    expect(htmlToText('<p>R&amp;D&nbsp;team &ndash; caf&eacute;</p>')).toBe('R&D team – café')
  })

  it('stays fast on a description made of tens of thousands of top-level nodes', () => {
    // cheerio's fragment parser took ~15 s on this; the document parser takes a fraction of a
    // second, and up to 4 s beside CI's other lanes: the bound tells those two apart, no more.
    const started = performance.now()
    expect(descriptionText('x<br>'.repeat(50_000)).split('\n')).toHaveLength(50_000)
    expect(performance.now() - started).toBeLessThan(8000)
  })
})

describe('descriptionText', () => {
  it('stays linear on escaped tag openers that never close (a crafted description)', () => {
    // `[^>]*>` in the "escaped HTML?" check made this take ~15 s (480 KB); it is now ~50 ms.
    const started = performance.now()
    descriptionText('&lt;p '.repeat(80_000))
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it('unescapes HTML that was escaped once more (Greenhouse) and keeps plain-text line breaks', () => {
    expect(descriptionText('&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;')).toBe('One\n\nTwo')
    expect(descriptionText('Line one\nLine two\n\nNext paragraph')).toBe('Line one\nLine two\n\nNext paragraph')
  })
})

describe('plainLine', () => {
  it('decodes entities and collapses spaces but keeps tag-like text', () => {
    expect(plainLine('  Angle &amp; Bracket\n <Labs> ')).toBe('Angle & Bracket <Labs>')
  })
})
