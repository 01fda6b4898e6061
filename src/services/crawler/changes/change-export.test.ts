import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { CrawlChange } from '../../../shared/crawl-changes'
import { writeChangesExport } from './change-export'

const rows: CrawlChange[] = [
  {
    source: 'jobboard',
    listingId: '200123',
    kind: 'changed',
    title: 'Data Engineer',
    company: '=Acme',
    fields: [
      { field: 'title', old: 'Data Engineer', new: 'Data Engineer (Platform)' },
      { field: 'salary', old: null, new: '60,000 EUR a year' }
    ],
    reason: null
  },
  { source: 'jobboard', listingId: '7', kind: 'gone', title: null, company: null, fields: [], reason: '410' }
]

async function written(format: 'jsonl' | 'csv'): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (chunk: Buffer) => chunks.push(chunk))
  async function* source(): AsyncGenerator<CrawlChange> {
    yield* rows
  }
  expect(await writeChangesExport(format, source(), out)).toBe(2)
  return Buffer.concat(chunks).toString('utf8')
}

describe('the changes export', () => {
  it('writes one JSON line per change, each field diff kept whole', async () => {
    const lines = (await written('jsonl')).trim().split('\n')
    expect(lines.map((line) => JSON.parse(line) as CrawlChange)).toEqual(rows)
  })

  it('writes CSV with the diffs in one cell and a formula made text', async () => {
    expect((await written('csv')).split('\n')).toEqual([
      'source,listingId,kind,title,company,fields,reason',
      `jobboard,200123,changed,Data Engineer,'=Acme,"title: Data Engineer → Data Engineer (Platform); salary: — → 60,000 EUR a year",`,
      'jobboard,7,gone,,,,410',
      ''
    ])
  })
})
