/**
 * Reads the ids of a pasted list or uploaded file: one id a line, or a CSV whose header row
 * has an `id` column. Every line that is not an id is reported with its 1-based line number
 * and a specific reason, so a crawl can start with the valid ones and the user can fix the
 * rest; an id seen before is reported as a duplicate and yielded once.
 *
 * The format is decided by the first line that is not blank or a `#` comment: it is a CSV
 * header when it holds a delimiter (",", tab or ";", none of which an id may contain) or is
 * the single word `id`. A list whose first line is literally the id "id" is therefore read
 * as a one-column CSV, which yields the same ids minus that header.
 */
import { parse } from 'csv-parse/sync'
import { listingIdProblem } from './listing-id-problem'
import { CrawlSourceError } from './source-error'

export type IdListEntry =
  | { kind: 'id'; line: number; id: string }
  | { kind: 'invalid'; line: number; text: string; reason: string }
  /** An id that an earlier line already gave; counted, not yielded again. */
  | { kind: 'duplicate'; line: number; text: string }

/** Invalid and duplicate lines carry at most this much of the line (the contract's InvalidLine.text). */
export const ID_LIST_TEXT_LIMIT = 200

const ID_COLUMN = 'id'
const DELIMITERS = [',', '\t', ';'] as const
const BOM = '\uFEFF'

/**
 * Throws CrawlSourceError (kind InvalidCrawl) when the list as a whole cannot be read: a CSV
 * header without an `id` column, or CSV syntax the parser cannot recover from.
 */
export function* parseIdList(text: string): Generator<IdListEntry> {
  const body = text.startsWith(BOM) ? text.slice(BOM.length) : text
  const seen = new Set<string>()
  const header = firstContentLine(body)
  const entries = header !== null && isCsvHeader(header.text) ? csvEntries(body, header) : lineEntries(body)
  for (const entry of entries) {
    if (entry.kind !== 'id') {
      yield entry
    } else if (seen.has(entry.id)) {
      yield { kind: 'duplicate', line: entry.line, text: truncate(entry.id) }
    } else {
      seen.add(entry.id)
      yield entry
    }
  }
}

/** One id a line; surrounding whitespace and a pair of enclosing double quotes are dropped. */
function* lineEntries(body: string): Generator<IdListEntry> {
  let line = 0
  for (const raw of lines(body)) {
    line += 1
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const id = /^"(.*)"$/.exec(trimmed)?.[1] ?? trimmed
    yield checkedId(id, trimmed, line)
  }
}

interface CsvRecord {
  /** The record's last line. */
  line: number
  raw: string
  /** The `id` cell, or undefined when the row is too short to have one. */
  cell: string | undefined
}

function* csvEntries(body: string, header: { line: number; text: string }): Generator<IdListEntry> {
  const delimiter = DELIMITERS.find((candidate) => header.text.includes(candidate)) ?? ','
  let idColumn = 0
  let records: CsvRecord[]
  try {
    // One line ending throughout: the parser picks its record delimiter from the first line and
    // miscounts lines in a file that mixes CRLF and LF.
    records = parse<CsvRecord, { raw: string; record: { id?: string } }>(body.replace(/\r\n?/g, '\n'), {
      delimiter,
      record_delimiter: '\n',
      bom: true,
      comment: '#',
      // "#" only starts a comment at the start of a line: other columns may hold "C#".
      comment_no_infix: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      raw: true,
      // Keep only the id cell of each row (the first "id" column), so a wide CSV does not sit in memory whole.
      columns: (names: string[]) => {
        const at = names.findIndex((name) => name.toLowerCase() === ID_COLUMN)
        if (at < 0) throw missingIdColumn(header.line, names)
        idColumn = at + 1
        return names.map((_, index) => (index === at ? ID_COLUMN : false))
      },
      on_record: ({ raw, record }, context) => ({ line: context.lines, raw, cell: record.id })
    })
  } catch (error) {
    if (error instanceof CrawlSourceError) throw error
    const lineNumber = (error as { lines?: number }).lines
    throw new CrawlSourceError(
      'InvalidCrawl',
      `The id list is not valid CSV${lineNumber === undefined ? '' : ` (line ${lineNumber})`}: ${(error as Error).message}`,
      'Check the quotes on that line, or paste one id a line without a header.',
      { cause: error }
    )
  }
  for (const record of records) {
    // The parser's raw text of a record starts with the blank and comment lines it skipped before it.
    const text = record.raw.replace(/^(?:[ \t]*\n|#[^\n]*\n)+/, '').replace(/\n$/, '')
    // The parser counts to a record's last line; a quoted cell may span several, and the user looks for its first.
    const line = record.line - (text.match(/\n/g)?.length ?? 0)
    if (record.cell === undefined) {
      yield {
        kind: 'invalid',
        line,
        text: truncate(text),
        reason: `the row has no value in the "${ID_COLUMN}" column (column ${idColumn})`
      }
    } else {
      yield checkedId(record.cell, text, line)
    }
  }
}

function checkedId(id: string, text: string, line: number): IdListEntry {
  const problem = listingIdProblem(id)
  if (problem === null) return { kind: 'id', line, id }
  return {
    kind: 'invalid',
    line,
    text: truncate(text),
    reason: looksLikeUrl(id) ? `${problem} (it looks like a URL: give the listing's id, or crawl a sitemap)` : problem
  }
}

function missingIdColumn(line: number, names: readonly string[]): CrawlSourceError {
  const found = names.map((name) => `"${truncate(name)}"`).join(', ')
  return new CrawlSourceError(
    'InvalidCrawl',
    `The id list's CSV header (line ${line}) has no "${ID_COLUMN}" column; its columns are ${found}`,
    `Name the column of listing ids "${ID_COLUMN}", or paste one id a line without a header.`
  )
}

function isCsvHeader(line: string): boolean {
  const trimmed = line.trim()
  return DELIMITERS.some((delimiter) => trimmed.includes(delimiter)) || /^"?id"?$/i.test(trimmed)
}

function firstContentLine(body: string): { line: number; text: string } | null {
  let line = 0
  for (const text of lines(body)) {
    line += 1
    const trimmed = text.trim()
    if (trimmed !== '' && !trimmed.startsWith('#')) return { line, text }
  }
  return null
}

/** The lines of `body` without their LF or CRLF, one at a time (no array of a whole file). */
function* lines(body: string): Generator<string> {
  let start = 0
  while (start <= body.length) {
    let end = body.indexOf('\n', start)
    if (end < 0) end = body.length
    yield body.slice(start, end > start && body[end - 1] === '\r' ? end - 1 : end)
    start = end + 1
  }
}

function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
}

function truncate(text: string): string {
  return text.length <= ID_LIST_TEXT_LIMIT ? text : `${text.slice(0, ID_LIST_TEXT_LIMIT - 1)}…`
}
