import { PassThrough, Writable } from 'node:stream'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { EXPORT_COLUMNS } from '../../../shared/crawl'
import type { CrawlItem, ExportRow } from '../../../shared/crawl'
import type { Listing } from '../../../shared/listing'
import { exportRow, neutralizeFormula, writeExport } from './export-writer'

const item = (over: Partial<CrawlItem> = {}): CrawlItem => ({
  listingId: '200001',
  source: 'jobboard',
  state: 'done',
  attempts: 1,
  errorKind: null,
  errorMessage: null,
  replica: 'scraper-1',
  tookMs: 42,
  updatedAt: '2026-12-01T19:00:00.000Z',
  ...over
})

const listing: Listing = {
  ID: '200001',
  JSON: {},
  title: 'Senior Backend Engineer, "Payments"',
  company: 'Quarry & Finch',
  location: 'Berlin, Germany',
  employmentType: ['FULL_TIME', 'PART_TIME'],
  datePosted: '2026-11-20',
  validThrough: null,
  salary: { min: 60000, max: 80000, currency: 'EUR', unit: 'YEAR' },
  skills: ['node.js', 'typescript'],
  description: 'x',
  url: 'http://127.0.0.1:8081/jobs/200001',
  scrapedAt: '2026-12-01T19:00:00.000Z',
  extractedFrom: 'json-ld'
}

async function* rowsOf(rows: readonly ExportRow[]): AsyncGenerator<ExportRow> {
  for (const row of rows) yield row
}

async function written(format: 'jsonl' | 'csv', rows: readonly ExportRow[]): Promise<{ count: number; text: string }> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (chunk: Buffer) => chunks.push(chunk))
  const count = await writeExport(format, rowsOf(rows), out)
  return { count, text: Buffer.concat(chunks).toString('utf8') }
}

const failed = exportRow(
  item({
    listingId: '200398',
    state: 'failed',
    attempts: 3,
    errorKind: 'SourceTimeout',
    errorMessage: 'slow,\n"very" slow',
    tookMs: null
  }),
  null
)

describe('exportRow', () => {
  it('flattens a done item and its listing: lists joined by "; ", salary as the panel shows it', () => {
    expect(exportRow(item(), listing)).toEqual({
      source: 'jobboard',
      listingId: '200001',
      state: 'done',
      attempts: 1,
      errorKind: null,
      errorMessage: null,
      replica: 'scraper-1',
      tookMs: 42,
      title: 'Senior Backend Engineer, "Payments"',
      company: 'Quarry & Finch',
      location: 'Berlin, Germany',
      url: 'http://127.0.0.1:8081/jobs/200001',
      datePosted: '2026-11-20',
      employmentType: 'FULL_TIME; PART_TIME',
      salary: '60,000–80,000 EUR a year',
      skills: 'node.js; typescript'
    })
  })

  it('leaves the listing columns null unless the item is done', () => {
    const row = exportRow(item({ state: 'skipped' }), listing)
    for (const column of [
      'title',
      'company',
      'location',
      'url',
      'datePosted',
      'employmentType',
      'salary',
      'skills'
    ] as const)
      expect(row[column]).toBeNull()
  })
})

describe('writeExport', () => {
  const rows = [exportRow(item(), listing), failed]

  it('writes JSON Lines: one object a line, keys in column order, and counts the rows', async () => {
    const { count, text } = await written('jsonl', rows)
    expect(count).toBe(2)
    const lines = text.split('\n')
    expect(lines.at(-1)).toBe('')
    const objects = lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(objects).toEqual(rows)
    expect(Object.keys(objects[0]!)).toEqual([...EXPORT_COLUMNS])
  })

  it('writes CSV with a header row, quoting what needs it, that reads back to the same rows', async () => {
    const { count, text } = await written('csv', rows)
    expect(count).toBe(2)
    expect(text.split('\n')[0]).toBe(EXPORT_COLUMNS.join(','))
    const back = parse(text, { columns: true }) as Record<string, string>[]
    expect(back).toHaveLength(2)
    expect(back[0]).toMatchObject({
      listingId: '200001',
      title: 'Senior Backend Engineer, "Payments"',
      tookMs: '42',
      errorKind: '',
      skills: 'node.js; typescript'
    })
    expect(back[1]).toMatchObject({
      listingId: '200398',
      state: 'failed',
      attempts: '3',
      errorMessage: 'slow,\n"very" slow',
      tookMs: '',
      title: ''
    })
  })

  it('writes just the header for an empty export', async () => {
    expect(await written('csv', [])).toEqual({ count: 0, text: `${EXPORT_COLUMNS.join(',')}\n` })
    expect(await written('jsonl', [])).toEqual({ count: 0, text: '' })
  })

  it('makes formula-like cells inert in CSV, and only in CSV', async () => {
    const hostile = exportRow(
      item({
        listingId: '-12',
        state: 'failed',
        errorKind: 'NotAJobListing',
        errorMessage: '=HYPERLINK("http://evil","x")'
      }),
      null
    )
    const title = { ...exportRow(item(), listing), title: '@SUM(A1)', company: '+1 (555)', location: '\t=1' }
    const csv = parse((await written('csv', [hostile, title])).text, { columns: true }) as Record<string, string>[]
    expect(csv[0]).toMatchObject({ listingId: "'-12", errorMessage: `'=HYPERLINK("http://evil","x")` })
    expect(csv[1]).toMatchObject({ title: "'@SUM(A1)", company: "'+1 (555)", location: "'\t=1" })
    const jsonl = (await written('jsonl', [hostile])).text
    expect((JSON.parse(jsonl) as ExportRow).errorMessage).toBe('=HYPERLINK("http://evil","x")')
  })

  it('reads rows only as fast as the output drains (backpressure)', async () => {
    let pulled = 0
    const many = async function* (): AsyncGenerator<ExportRow> {
      for (let i = 0; i < 5000; i += 1) {
        pulled += 1
        yield { ...failed, errorMessage: 'timed out', listingId: String(i) }
      }
    }
    // How far the reading runs ahead of what the output has taken, at every write.
    let rowsWritten = -1 // the header line
    let maxAhead = 0
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        rowsWritten += chunk.toString('utf8').split('\n').length - 1
        maxAhead = Math.max(maxAhead, pulled - rowsWritten)
        setImmediate(callback)
      }
    })
    const count = await writeExport('csv', many(), slow)
    expect(count).toBe(5000)
    expect(rowsWritten).toBe(5000)
    expect(maxAhead).toBeGreaterThan(0)
    // The stream buffers in between (16 rows, the stringifier's 16 KiB, the output's 1 KiB) hold a few hundred rows, never the export.
    expect(maxAhead).toBeLessThan(600)
  })

  it('rejects and destroys the output when the rows fail', async () => {
    const broken = async function* (): AsyncGenerator<ExportRow> {
      yield failed
      throw new Error('ledger went away')
    }
    const out = new PassThrough()
    out.resume()
    await expect(writeExport('jsonl', broken(), out)).rejects.toThrow('ledger went away')
    expect(out.destroyed).toBe(true)
  })
})

describe('neutralizeFormula', () => {
  it('prefixes only the dangerous first characters', () => {
    expect(['=1', '+1', '-1', '@x', '\tx', '\rx'].map(neutralizeFormula)).toEqual([
      "'=1",
      "'+1",
      "'-1",
      "'@x",
      "'\tx",
      "'\rx"
    ])
    expect(['a=1', '1-2', '', "'x", ' =1'].map(neutralizeFormula)).toEqual(['a=1', '1-2', '', "'x", ' =1'])
  })
})
