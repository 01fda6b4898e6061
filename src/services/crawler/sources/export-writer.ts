/**
 * Writes a crawl's export, JSON Lines or CSV, row by row as the ledger pages them in: the
 * rows come from an async iterable and go out through a stream pipeline, so a slow client
 * holds the reading back (backpressure) and no export is ever held whole. The columns are
 * the contract's EXPORT_COLUMNS (src/shared/crawl.ts), in that order.
 */
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { stringify } from 'csv-stringify'
import { EXPORT_COLUMNS } from '../../../shared/crawl'
import type { CrawlItem, ExportFormat, ExportRow, ExportRowFormat } from '../../../shared/crawl'
import type { Listing } from '../../../shared/listing'
import { formatSalary } from '../../../shared/salary-text'

export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  summary: 'application/json; charset=utf-8',
  'changes-jsonl': 'application/x-ndjson; charset=utf-8',
  'changes-csv': 'text/csv; charset=utf-8'
}

/** How lists (employment types, skills) are joined into one cell. */
const EXPORT_LIST_SEPARATOR = '; '

/** An item of the ledger and, when it is done, its scraped listing, as one export row. */
export function exportRow(item: CrawlItem, listing: Listing | null): ExportRow {
  const done = item.state === 'done' && listing !== null ? listing : null
  return {
    source: item.source,
    listingId: item.listingId,
    state: item.state,
    attempts: item.attempts,
    errorKind: item.errorKind,
    errorMessage: item.errorMessage,
    replica: item.replica,
    tookMs: item.tookMs,
    title: done?.title ?? null,
    company: done?.company ?? null,
    location: done?.location ?? null,
    url: done?.url ?? null,
    datePosted: done?.datePosted ?? null,
    employmentType: done ? done.employmentType.join(EXPORT_LIST_SEPARATOR) : null,
    salary: done ? formatSalary(done.salary) : null,
    skills: done ? done.skills.join(EXPORT_LIST_SEPARATOR) : null
  }
}

/**
 * Streams `rows` to `out` in `format` and resolves with the number of rows written once `out`
 * has finished (it is ended). Rejects, and destroys `out`, if reading the rows fails or the
 * client goes away.
 */
export async function writeExport(
  format: ExportRowFormat,
  rows: AsyncIterable<ExportRow>,
  out: NodeJS.WritableStream
): Promise<number> {
  let count = 0
  const counted = async function* (): AsyncGenerator<ExportRow> {
    for await (const row of rows) {
      count += 1
      yield row
    }
  }
  const source = Readable.from(counted(), { objectMode: true, highWaterMark: 16 })
  await pipeline(source, format === 'csv' ? csvRows() : jsonLines(), out)
  return count
}

/**
 * What a transform holds between the rows it reads and the client's socket: 16 rows in, 16 KiB
 * out, set here rather than left to Node's default (16 KiB before Node 22, 64 KiB since), so an
 * export's memory is the same on every Node.
 */
const BUFFERS = { writableHighWaterMark: 16, readableHighWaterMark: 16 * 1024 } as const

function jsonLines(): Transform {
  return new Transform({
    ...BUFFERS,
    writableObjectMode: true,
    transform(row: ExportRow, _encoding, callback) {
      // Keys in column order, whatever order the row object was built in.
      const ordered = Object.fromEntries(EXPORT_COLUMNS.map((column) => [column, row[column]]))
      callback(null, `${JSON.stringify(ordered)}\n`)
    }
  })
}

function csvRows(): Transform {
  return stringify({
    ...BUFFERS,
    header: true,
    columns: [...EXPORT_COLUMNS],
    // No BOM: scripts reading the file (Python's csv, cut, awk) would see it in the first header.
    cast: { string: neutralizeFormula }
  })
}

/**
 * CSV injection: a spreadsheet opening the file runs a cell that starts with = + - @ (or a
 * tab or CR, which some read past) as a formula, and scraped text (a title, an error message)
 * is not ours to trust. A leading ' makes the spreadsheet show the text as text. The price:
 * such a cell, e.g. a listing id "-12", reads back with the ' in tools that are not
 * spreadsheets; the JSON Lines export is exact.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}
