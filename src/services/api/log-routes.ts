/**
 * `GET /logs`: the stack's log (src/services/logs/log-store.ts), by query string:
 *   service, replica, level (this level and above), since, until (ISO time or 15m / 1h / 2d
 *   back from now), crawl, listing, field.<name>=<value> (any field, exactly), q (full-text
 *   words, all of them), exact (a phrase of the message), order (newest | oldest), size
 *   (1–1000, default 200), after (the `next` of the page before).
 * Answers a LogPage (src/shared/log-record.ts).
 */
import { LogQuerySchema } from '../../shared/log-record'
import type { LogQuery } from '../../shared/log-record'
import { InvalidLogQuery } from '../logs/log-query'

export const LOGS_PATH = '/logs'

const PARAMS: Record<string, keyof LogQuery> = {
  service: 'service',
  replica: 'replica',
  level: 'level',
  since: 'since',
  until: 'until',
  crawl: 'crawlId',
  listing: 'listingId',
  q: 'text',
  exact: 'exact',
  order: 'order',
  size: 'size',
  after: 'after'
}
const FIELD_PREFIX = 'field.'

export function logQueryFromParams(params: URLSearchParams): LogQuery {
  const raw: Record<string, unknown> = {}
  const fields: Record<string, string> = {}
  for (const [name, value] of params) {
    if (name.startsWith(FIELD_PREFIX)) fields[name.slice(FIELD_PREFIX.length)] = value
    else if (Object.hasOwn(PARAMS, name)) raw[PARAMS[name]!] = name === 'size' ? Number(value) : value
    else throw new InvalidLogQuery(`/logs takes no parameter "${name}"`)
  }
  if (Object.keys(fields).length > 0) raw['fields'] = fields
  const parsed = LogQuerySchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const field = issue.path.join('.')
  const param = Object.entries(PARAMS).find(([, key]) => key === issue.path[0])?.[0] ?? field
  throw new InvalidLogQuery(`/logs parameter ${param}: ${issue.message}`)
}

/** The query as a query string (the panel's client sends it so). */
export function logQueryParams(query: Partial<LogQuery>): URLSearchParams {
  const params = new URLSearchParams()
  for (const [param, key] of Object.entries(PARAMS)) {
    const value = query[key]
    if (value !== undefined) params.set(param, String(value))
  }
  for (const [name, value] of Object.entries(query.fields ?? {})) params.set(`${FIELD_PREFIX}${name}`, value)
  return params
}
