/**
 * The stack's structured log as it is stored and queried: one record per line a service
 * wrote (src/services/log.ts), kept in Elasticsearch in an index per day
 * (`<prefix>-logs-YYYY.MM.DD`), read back through the API's `GET /logs`, the panel's
 * `logSearch` operation and `stackLogs` stream, and `deck logs`.
 */
import { z } from 'zod'

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
const LogLevelSchema = z.enum(LOG_LEVELS)
export type LogLevel = z.infer<typeof LogLevelSchema>

/** The fields every line has; anything else a line carries is one of its `fields`. */
export const LogRecordSchema = z.object({
  /** Elasticsearch's id of the stored line (a live line not yet stored has none). */
  id: z.string(),
  /** ISO time the line was written. */
  time: z.string(),
  level: LogLevelSchema,
  /** The stack service that wrote it (scraper, api, jobboard, panel). */
  service: z.string(),
  /** Which replica of it: the container's hostname (or SCRAPER_REPLICA_NAME). */
  replica: z.string(),
  /** The part of the service (api, coordinator, rpc, …). */
  component: z.string(),
  msg: z.string(),
  /** The line's other fields (crawlId, listingId, source, host, kind, tookMs, …). */
  fields: z.record(z.string(), z.unknown())
})
export type LogRecord = z.infer<typeof LogRecordSchema>

const MAX_LOG_PAGE = 1000
const FieldNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/, 'a field name is letters, digits, "_" or "." (at most 64)')

/** What `GET /logs` takes (its query string) and `logSearch` asks for. */
export const LogQuerySchema = z
  .object({
    service: z.string().min(1).max(64).optional(),
    replica: z.string().min(1).max(128).optional(),
    /** This level and above. */
    level: LogLevelSchema.optional(),
    /** ISO time or a duration back from now (`15m`, `1h`, `2d`). */
    since: z.string().max(40).optional(),
    until: z.string().max(40).optional(),
    crawlId: z.string().min(1).max(128).optional(),
    listingId: z.string().min(1).max(256).optional(),
    /** Any field equal to a value (`{ kind: 'NotFound', host: 'jobboard' }`). */
    fields: z.record(FieldNameSchema, z.string().max(256)).optional(),
    /** Full-text words in the message and the text fields (all must match). */
    text: z.string().min(1).max(256).optional(),
    /** An exact phrase of the message. */
    exact: z.string().min(1).max(256).optional(),
    order: z.enum(['newest', 'oldest']).default('newest'),
    size: z.number().int().min(1).max(MAX_LOG_PAGE).default(200),
    /** The `next` cursor of the page before. */
    after: z.string().max(512).optional()
  })
  .strict()
export type LogQuery = z.output<typeof LogQuerySchema>
export type LogQueryInput = z.input<typeof LogQuerySchema>

/** A followed log: the query's filters (no paging), and how many earlier lines come first. */
export const StackLogParamsSchema = LogQuerySchema.omit({ order: true, size: true, after: true, until: true })
  .extend({ tail: z.number().int().min(0).max(MAX_LOG_PAGE).default(200) })
  .strict()
export type StackLogParams = z.output<typeof StackLogParamsSchema>

export const LogPageSchema = z.object({
  lines: z.array(LogRecordSchema),
  /** Pass as `after` for the next page in the same order; null at the end. */
  next: z.string().nullable(),
  /** Lines matching (at least this many when Elasticsearch stops counting at 10 000). */
  total: z.number().int()
})
export type LogPage = z.infer<typeof LogPageSchema>

/** `<prefix>-logs-2026.12.07` for a line written that UTC day. */
export function logIndexName(prefix: string, time: Date): string {
  const iso = time.toISOString()
  return `${prefix}-logs-${iso.slice(0, 4)}.${iso.slice(5, 7)}.${iso.slice(8, 10)}`
}

/** Every day's index of a prefix. */
export function logIndexPattern(prefix: string): string {
  return `${prefix}-logs-*`
}

const DURATION = /^(\d+)(s|m|h|d)$/
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** `1h` → an hour before `now`; an ISO time → that time; anything else → null. */
export function parseLogTime(text: string, now: Date = new Date()): Date | null {
  const duration = DURATION.exec(text)
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS])
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null
  const time = new Date(text)
  return Number.isNaN(time.getTime()) ? null : time
}
