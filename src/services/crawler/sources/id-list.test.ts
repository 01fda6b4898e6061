import { describe, expect, it } from 'vitest'
import { ID_LIST_TEXT_LIMIT, parseIdList } from './id-list'
import type { IdListEntry } from './id-list'
import { CrawlSourceError } from './source-error'

const all = (text: string): IdListEntry[] => [...parseIdList(text)]
const ids = (text: string): string[] => all(text).flatMap((entry) => (entry.kind === 'id' ? [entry.id] : []))
const invalid = (text: string): { line: number; text: string; reason: string }[] =>
  all(text).flatMap((entry) =>
    entry.kind === 'invalid' ? [{ line: entry.line, text: entry.text, reason: entry.reason }] : []
  )

describe('parseIdList: one id a line', () => {
  it('yields each id with its 1-based line, skipping blank lines and # comments', () => {
    expect(all('# my list\n200001\n\n  200398  \n#200795\nabc-1.x_2\n')).toEqual([
      { kind: 'id', line: 2, id: '200001' },
      { kind: 'id', line: 4, id: '200398' },
      { kind: 'id', line: 6, id: 'abc-1.x_2' }
    ])
  })

  it('reads CRLF and a leading BOM without letting them into the ids', () => {
    expect(all('\uFEFF200001\r\n200398\r\n')).toEqual([
      { kind: 'id', line: 1, id: '200001' },
      { kind: 'id', line: 2, id: '200398' }
    ])
  })

  it('takes a quoted id without its quotes', () => {
    expect(ids('"200001"\n')).toEqual(['200001'])
  })

  it('reports each invalid line with its number, its text and a specific reason', () => {
    const long = 'x'.repeat(65)
    expect(invalid(`200001\nabc def\n${long}\n..\nhttps://board.example/jobs/1\n12%3\n`)).toEqual([
      { line: 2, text: 'abc def', reason: expect.stringContaining('contains a space') },
      { line: 3, text: long, reason: 'the id is 65 characters long; a listing id is at most 64' },
      { line: 4, text: '..', reason: 'A listing id cannot be "." or ".."' },
      {
        line: 5,
        text: 'https://board.example/jobs/1',
        reason: expect.stringMatching(/contains ":".*looks like a URL/)
      },
      { line: 6, text: '12%3', reason: expect.stringContaining('contains "%"') }
    ])
  })

  it('names a control character by its code point', () => {
    expect(invalid('ab\u0007c')[0]?.reason).toContain('U+0007')
  })

  it('truncates the text of a very long invalid line', () => {
    const [entry] = invalid('y'.repeat(5000))
    expect(entry?.text).toHaveLength(ID_LIST_TEXT_LIMIT)
    expect(entry?.text.endsWith('…')).toBe(true)
  })

  it('yields a repeated id once and reports the repeats as duplicates', () => {
    expect(all('7\n8\n7\n7\n')).toEqual([
      { kind: 'id', line: 1, id: '7' },
      { kind: 'id', line: 2, id: '8' },
      { kind: 'duplicate', line: 3, text: '7' },
      { kind: 'duplicate', line: 4, text: '7' }
    ])
  })

  it('yields nothing for an empty or comment-only list', () => {
    expect(all('')).toEqual([])
    expect(all('\n# nothing\n\r\n')).toEqual([])
  })
})

describe('parseIdList: CSV with an id column', () => {
  it('finds the id column at any position, with quoted fields holding delimiters and newlines', () => {
    const csv = 'title,company,ID,url\n"Engineer, Senior",Acme,200001,http://x/1\n"Two\nlines",B,"200398",http://x/2\n'
    expect(all(csv)).toEqual([
      { kind: 'id', line: 2, id: '200001' },
      { kind: 'id', line: 3, id: '200398' }
    ])
  })

  it('handles BOM, CRLF, comments, blank lines and "#" inside a cell', () => {
    const csv = '\uFEFF# exported\r\nid,title\r\n\r\n200001,C# developer\r\n# skip me\r\n200398,x\r\n'
    expect(all(csv)).toEqual([
      { kind: 'id', line: 4, id: '200001' },
      { kind: 'id', line: 6, id: '200398' }
    ])
  })

  it('reads tab- and semicolon-separated files', () => {
    expect(ids('title\tid\nA\t1\nB\t2\n')).toEqual(['1', '2'])
    expect(ids('id;title\n1;A\n2;B\n')).toEqual(['1', '2'])
  })

  it('reads a one-column CSV whose header is just "id"', () => {
    expect(all('id\n200001\n')).toEqual([{ kind: 'id', line: 2, id: '200001' }])
  })

  it('reports rows without an id cell and rows whose id is invalid, with the row as text', () => {
    expect(invalid('title,id\nonly-a-title\nx,bad id\ny,\n')).toEqual([
      { line: 2, text: 'only-a-title', reason: 'the row has no value in the "id" column (column 2)' },
      { line: 3, text: 'x,bad id', reason: expect.stringContaining('contains a space') },
      { line: 4, text: 'y,', reason: 'the id is empty' }
    ])
  })

  it('gives an invalid row as its own text, without the blank and comment lines before it', () => {
    expect(invalid('id,t\n\n# c\n"bad id",x\r\n')).toEqual([
      { line: 4, text: '"bad id",x', reason: expect.stringContaining('a space') }
    ])
  })

  it('takes the first of two id columns', () => {
    expect(ids('id,other,id\n1,x,2\n')).toEqual(['1'])
  })

  it('counts duplicates across rows once', () => {
    const entries = all('id,n\n5,a\n5,b\n6,c\n')
    expect(entries.filter((entry) => entry.kind === 'id')).toHaveLength(2)
    expect(entries.filter((entry) => entry.kind === 'duplicate')).toEqual([{ kind: 'duplicate', line: 3, text: '5' }])
  })

  it('refuses a header without an id column, naming the columns it found', () => {
    const read = (): IdListEntry[] => all('# list\ntitle,company\nA,B\n')
    expect(read).toThrow(CrawlSourceError)
    expect(read).toThrow('The id list\'s CSV header (line 2) has no "id" column; its columns are "title", "company"')
    try {
      read()
    } catch (error) {
      expect((error as CrawlSourceError).kind).toBe('InvalidCrawl')
      expect((error as CrawlSourceError).hint).toMatch(/Name the column/)
    }
  })

  it('refuses CSV with an unclosed quote, naming the line', () => {
    expect(() => all('id,title\n1,"open\n2,x\n')).toThrow(/not valid CSV \(line \d+\)/)
  })
})
