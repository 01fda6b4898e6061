/**
 * A LogQuery (src/shared/log-record.ts) as an Elasticsearch search over every day's log
 * index, and its hits as LogRecords. Pages go by `search_after` on (time, replica, logSeq),
 * which orders the lines of one replica as they were written and is stable across pages;
 * the cursor is that sort key, base64url JSON.
 */
import { LOG_LEVELS, parseLogTime } from '../../shared/log-record'
import type { LogLevel, LogPage, LogQuery, LogRecord } from '../../shared/log-record'

/** A query the log store cannot run as asked (a time it cannot read, a cursor not its own). */
export class InvalidLogQuery extends Error {
  override name = 'InvalidLogQuery' as const
}

type Clause = Record<string, unknown>

/** The search body of a query; `now` anchors durations such as `since: '1h'`. */
export function logSearchBody(query: LogQuery, now: Date = new Date()): Record<string, unknown> {
  const filter: Clause[] = []
  const must: Clause[] = []
  const term = (field: string, value: string): void => void filter.push({ term: { [field]: value } })
  if (query.service !== undefined) term('service', query.service)
  if (query.replica !== undefined) term('replica', query.replica)
  if (query.crawlId !== undefined) term('crawlId', query.crawlId)
  if (query.listingId !== undefined) term('listingId', query.listingId)
  for (const [field, value] of Object.entries(query.fields ?? {})) term(field === 'msg' ? 'msg.raw' : field, value)
  if (query.level !== undefined) filter.push({ terms: { level: levelsFrom(query.level) } })
  const range: Record<string, string> = {}
  if (query.since !== undefined) range['gte'] = timeOf('since', query.since, now)
  if (query.until !== undefined) range['lte'] = timeOf('until', query.until, now)
  if (Object.keys(range).length > 0) filter.push({ range: { time: range } })
  if (query.text !== undefined)
    must.push({ simple_query_string: { query: query.text, fields: ['*'], default_operator: 'and', lenient: true } })
  if (query.exact !== undefined) must.push({ match_phrase: { msg: query.exact } })
  const order = query.order === 'oldest' ? 'asc' : 'desc'
  return {
    size: query.size,
    track_total_hits: 10_000,
    query: { bool: { filter, must } },
    sort: [{ time: { order } }, { replica: { order } }, { logSeq: { order, unmapped_type: 'long' } }],
    ...(query.after === undefined ? {} : { search_after: cursorValues(query.after) })
  }
}

function levelsFrom(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(LOG_LEVELS.indexOf(level))
}

function timeOf(name: string, text: string, now: Date): string {
  const time = parseLogTime(text, now)
  if (time === null)
    throw new InvalidLogQuery(`${name} "${text}" is neither an ISO time nor a duration such as 15m, 1h or 2d`)
  return time.toISOString()
}

function cursorValues(cursor: string): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(values) && values.length === 3) return values
  } catch {
    // reported below
  }
  throw new InvalidLogQuery(`after "${cursor}" is not a cursor of this log (pass the "next" of the page before)`)
}

interface SearchHit {
  _id: string
  _source: Record<string, unknown>
  sort?: unknown[]
}

export interface SearchAnswer {
  hits: { total?: { value: number } | number; hits: SearchHit[] }
}

/** A search answer as a page of records, with the cursor of its last line when the page is full. */
export function logPageOf(answer: SearchAnswer, size: number): LogPage {
  const hits = answer.hits.hits
  const last = hits.at(-1)
  const total = answer.hits.total
  return {
    lines: hits.map(logRecordOf),
    next:
      hits.length === size && last?.sort !== undefined
        ? Buffer.from(JSON.stringify(last.sort)).toString('base64url')
        : null,
    total: typeof total === 'number' ? total : (total?.value ?? hits.length)
  }
}

function logRecordOf(hit: SearchHit): LogRecord {
  const { time, level, service, replica, component, msg, logSeq: _seq, ...fields } = hit._source
  return {
    id: hit._id,
    time: String(time),
    level: (LOG_LEVELS as readonly unknown[]).includes(level) ? (level as LogLevel) : 'info',
    service: String(service ?? ''),
    replica: String(replica ?? ''),
    component: String(component ?? ''),
    msg: String(msg ?? ''),
    fields
  }
}
