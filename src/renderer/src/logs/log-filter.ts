/**
 * The Logs view's filter as the user edits it (all text) and as the contract's query: empty
 * inputs are left out, `field` is `NAME=VALUE`. Pure, so it is unit-tested.
 */
import type { LogLevel, LogQueryInput, LogRecord } from '../../../shared/log-record'

export interface LogFilter {
  service: string
  replica: string
  level: LogLevel | ''
  since: string
  until: string
  crawlId: string
  listingId: string
  text: string
  exact: string
  field: string
}

export const EMPTY_FILTER: LogFilter = {
  service: '',
  replica: '',
  level: '',
  since: '1h',
  until: '',
  crawlId: '',
  listingId: '',
  text: '',
  exact: '',
  field: ''
}

/** The query of a filter; `problem` names the input that cannot be sent as it is. */
export function logQueryOf(filter: LogFilter): { query: LogQueryInput; problem: string | null } {
  const query: LogQueryInput = {}
  const set = <K extends keyof LogQueryInput>(key: K, value: string): void => {
    const trimmed = value.trim()
    if (trimmed !== '') query[key] = trimmed as LogQueryInput[K]
  }
  set('service', filter.service)
  set('replica', filter.replica)
  if (filter.level !== '') query.level = filter.level
  set('since', filter.since)
  set('until', filter.until)
  set('crawlId', filter.crawlId)
  set('listingId', filter.listingId)
  set('text', filter.text)
  set('exact', filter.exact)
  const field = filter.field.trim()
  if (field !== '') {
    const at = field.indexOf('=')
    if (at <= 0) return { query, problem: 'Field: write NAME=VALUE, e.g. kind=ListingNotFound' }
    query.fields = { [field.slice(0, at).trim()]: field.slice(at + 1).trim() }
  }
  return { query, problem: null }
}

/** Lines added to those shown, in time order, without duplicates, the newest `max` kept. */
export function mergeLines(shown: LogRecord[], added: LogRecord[], max: number): LogRecord[] {
  const known = new Set(shown.map((line) => line.id))
  const fresh = added.filter((line) => !known.has(line.id))
  if (fresh.length === 0) return shown
  const merged = [...shown, ...fresh].sort((a, b) => a.time.localeCompare(b.time) || a.replica.localeCompare(b.replica))
  return merged.length > max ? merged.slice(merged.length - max) : merged
}

/** `crawlId=c-1 listingId=42 tookMs=12`: a line's fields in one short text. */
export function fieldsSummary(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')
}
