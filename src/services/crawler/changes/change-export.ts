/**
 * Streams a crawl's changes only (the report's listed kinds), JSON Lines or CSV, row by row
 * as the ledger pages them in, with the backpressure of the crawl export (export-writer.ts).
 * JSON Lines keeps each changed field as { field, old, new }; CSV puts them in one cell,
 * "title: A → B; salary: … → …".
 */
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { stringify } from 'csv-stringify'
import { CHANGE_EXPORT_COLUMNS, fieldDiffText } from '../../../shared/crawl-changes'
import type { CrawlChange } from '../../../shared/crawl-changes'
import { neutralizeFormula } from '../sources/export-writer'

const BUFFERS = { writableHighWaterMark: 16, readableHighWaterMark: 16 * 1024 } as const

/** Resolves with the rows written once `out` has ended; rejects (and destroys `out`) if reading fails. */
export async function writeChangesExport(
  format: 'jsonl' | 'csv',
  rows: AsyncIterable<CrawlChange>,
  out: NodeJS.WritableStream
): Promise<number> {
  let count = 0
  // A CSV cell holds the changed fields as one line of text.
  const counted = async function* (): AsyncGenerator<CrawlChange | Record<string, unknown>> {
    for await (const row of rows) {
      count += 1
      yield format === 'csv' ? { ...row, fields: fieldDiffText(row.fields) } : row
    }
  }
  const source = Readable.from(counted(), { objectMode: true, highWaterMark: 16 })
  await pipeline(source, format === 'csv' ? csvRows() : jsonLines(), out)
  return count
}

function jsonLines(): Transform {
  return new Transform({
    ...BUFFERS,
    writableObjectMode: true,
    transform(row: CrawlChange, _encoding, callback) {
      const ordered = Object.fromEntries(CHANGE_EXPORT_COLUMNS.map((column) => [column, row[column]]))
      callback(null, `${JSON.stringify(ordered)}\n`)
    }
  })
}

function csvRows(): Transform {
  return stringify({
    ...BUFFERS,
    header: true,
    columns: [...CHANGE_EXPORT_COLUMNS],
    cast: { string: neutralizeFormula }
  })
}
