/**
 * The crawl contract: what a crawl is, what its REST API takes and answers, and what an
 * export row holds. Shared by the coordinator (in the API service), its REST client, the
 * panel and the CLI. No Node imports: the renderer bundles this file.
 */
import { z } from 'zod'
import { CrawlChangeCountsSchema } from './crawl-changes'
import { CrawlHttpStatsSchema } from './crawl-http-stats'
import { SourceNameSchema } from './source'

/** queued = in the ledger, not yet published; scraping = published to the scraper queue (backlog or a replica). */
export const CRAWL_ITEM_STATES = ['queued', 'scraping', 'done', 'failed', 'skipped', 'cancelled'] as const
const CrawlItemStateSchema = z.enum(CRAWL_ITEM_STATES)
export type CrawlItemState = z.infer<typeof CrawlItemStateSchema>

export const CRAWL_STATES = ['running', 'paused', 'done', 'cancelled'] as const
const CrawlStateSchema = z.enum(CRAWL_STATES)
export type CrawlState = z.infer<typeof CrawlStateSchema>

export const CrawlIdSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'A crawl id is 1–64 of letters, digits, "_" or "-"')

/** Largest pasted list or file the API accepts (bytes of UTF-8). */
export const MAX_ID_LIST_BYTES = 8 * 1024 * 1024

/** Sources one crawl may cover. */
const MAX_CRAWL_SOURCES = 20

const CrawlSourceSchema = z.discriminatedUnion('kind', [
  /** The default source (the stack's job board), through its sitemap(s). */
  z.object({ kind: z.literal('board') }),
  /** Registered sources (shared/source.ts), each through its sitemap(s): a crawl of 3 boards is one crawl. */
  z.object({
    kind: z.literal('sources'),
    names: z
      .array(SourceNameSchema)
      .min(1, 'A crawl of sources names at least one')
      .max(MAX_CRAWL_SOURCES, `A crawl covers at most ${MAX_CRAWL_SOURCES} sources`)
      .refine((names) => new Set(names).size === names.length, 'A crawl names each source once')
  }),
  /** A sitemap or sitemap index (gzip allowed); its URLs are matched against `source`'s listing URL template (default: the default source). */
  z.object({
    kind: z.literal('sitemap'),
    url: z.url({ protocol: /^https?$/, error: 'A sitemap URL is an http(s) URL' }),
    source: SourceNameSchema.optional()
  }),
  /** Pasted text or a file's content: one id a line, or CSV with an `id` column; ids of `source` (default: the default source). */
  z.object({
    kind: z.literal('ids'),
    text: z
      .string()
      .refine((text) => new TextEncoder().encode(text).length <= MAX_ID_LIST_BYTES, 'An id list is at most 8 MiB'),
    source: SourceNameSchema.optional()
  })
])
export type CrawlSource = z.infer<typeof CrawlSourceSchema>

export const CrawlStartRequestSchema = z.object({
  source: CrawlSourceSchema,
  refresh: z.boolean().default(false),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  name: z.string().max(200).optional()
})
export type CrawlStartRequest = z.input<typeof CrawlStartRequestSchema>
export type CrawlStartOptions = z.output<typeof CrawlStartRequestSchema>

const InvalidLineSchema = z.object({
  line: z.number().int(),
  /** The line as given, truncated to 200 characters. */
  text: z.string(),
  reason: z.string()
})
export type InvalidLine = z.infer<typeof InvalidLineSchema>

const IsoTimeSchema = z.string()

export const CrawlSummarySchema = z.object({
  id: CrawlIdSchema,
  name: z.string(),
  state: CrawlStateSchema,
  /** A human label: "board", "sitemap https://…", "list of 312 ids". */
  source: z.string(),
  /** Ids are still being read from the source; `total` grows meanwhile. */
  ingesting: z.boolean(),
  /** Why reading the source stopped early (the crawl goes on with the ids it got), else null. */
  ingestError: z.string().nullable().optional(),
  refresh: z.boolean(),
  maxAttempts: z.number().int(),
  // Always queued + scraping + done + failed + skipped + cancelled === total, from the ledger.
  total: z.number().int(),
  queued: z.number().int(),
  scraping: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  cancelled: z.number().int(),
  /**
   * What its finished items did since the last crawl of their source: new + changed + unchanged
   * + gone + failed === done + failed + skipped. Absent from a stack that keeps no registry.
   */
  changes: CrawlChangeCountsSchema.optional(),
  /** done + failed finished in the last 30 s ÷ 30. */
  ratePerSecond: z.number(),
  /** remaining ÷ rate; null when the rate is 0 or the crawl has ended. */
  etaSeconds: z.number().nullable(),
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema,
  finishedAt: IsoTimeSchema.nullable()
})
export type CrawlSummary = z.infer<typeof CrawlSummarySchema>

const CrawlReplicaStatsSchema = z.object({
  /** The scraper's hostname (its container's). */
  replica: z.string(),
  done: z.number().int(),
  failed: z.number().int(),
  /** Over the last 30 s. */
  ratePerSecond: z.number()
})
export type CrawlReplicaStats = z.infer<typeof CrawlReplicaStatsSchema>

const CrawlErrorGroupSchema = z.object({
  kind: z.string(),
  count: z.number().int(),
  /** At most 5. */
  exampleIds: z.array(z.string()),
  exampleMessage: z.string()
})
export type CrawlErrorGroup = z.infer<typeof CrawlErrorGroupSchema>

const CrawlTimelinePointSchema = z.object({ at: IsoTimeSchema, completed: z.number().int() })
export type CrawlTimelinePoint = z.infer<typeof CrawlTimelinePointSchema>

/** Seconds per timeline bucket, and how far back the timeline goes. */
export const CRAWL_TIMELINE_BUCKET_SECONDS = 5
export const CRAWL_TIMELINE_SPAN_SECONDS = 600
/** The window the rates are measured over. */
export const CRAWL_RATE_WINDOW_SECONDS = 30

/** One host's part of a crawl: what is done, what waits for a fetch slot, whether the host backs off. */
const CrawlHostStatsSchema = z.object({
  host: z.string(),
  source: z.string(),
  done: z.number().int(),
  failed: z.number().int(),
  /** Queued: waiting for the host's politeness (a fetch slot), or for a retry's backoff. */
  waiting: z.number().int(),
  /** Dispatched with a slot, not answered yet. */
  scraping: z.number().int(),
  /** The host's allowed fetch starts a second; null when nothing limits it. */
  allowedPerSecond: z.number().nullable(),
  /** The host is paused until then (a 429/503); null when it is not now. */
  backoffUntil: IsoTimeSchema.nullable(),
  backoffReason: z.string().nullable(),
  blocked: z.boolean()
})
export type CrawlHostStats = z.infer<typeof CrawlHostStatsSchema>

export const CrawlDetailSchema = CrawlSummarySchema.extend({
  replicas: z.array(CrawlReplicaStatsSchema),
  /** Per host, slowest first; the ETA takes each host's allowed rate into account. */
  hosts: z.array(CrawlHostStatsSchema),
  errors: z.array(CrawlErrorGroupSchema),
  /** 5 s buckets of finished items over the last 10 min, oldest first. */
  timeline: z.array(CrawlTimelinePointSchema),
  /** Per source host: status codes, bytes, latency percentiles, redirects, timeouts, robots skips. */
  http: CrawlHttpStatsSchema.optional()
})
export type CrawlDetail = z.infer<typeof CrawlDetailSchema>

export const CrawlStartResponseSchema = z.object({
  crawl: CrawlSummarySchema,
  /** The first 100. */
  invalidLines: z.array(InvalidLineSchema),
  invalidCount: z.number().int(),
  duplicateCount: z.number().int()
})
export type CrawlStartResponse = z.infer<typeof CrawlStartResponseSchema>

const CrawlItemSchema = z.object({
  listingId: z.string(),
  /** The source the id is of (shared/source.ts). */
  source: z.string(),
  state: CrawlItemStateSchema,
  attempts: z.number().int(),
  errorKind: z.string().nullable(),
  errorMessage: z.string().nullable(),
  replica: z.string().nullable(),
  tookMs: z.number().nullable(),
  updatedAt: IsoTimeSchema
})
export type CrawlItem = z.infer<typeof CrawlItemSchema>

export const CrawlItemsQuerySchema = z.object({
  state: CrawlItemStateSchema.optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.number().int().min(1).max(500).default(100)
})
export type CrawlItemsQuery = z.input<typeof CrawlItemsQuerySchema>

export const CrawlItemsPageSchema = z.object({
  items: z.array(CrawlItemSchema),
  nextCursor: z.string().nullable()
})
export type CrawlItemsPage = z.infer<typeof CrawlItemsPageSchema>

export const CrawlListResponseSchema = z.object({ crawls: z.array(CrawlSummarySchema) })
export type CrawlListResponse = z.infer<typeof CrawlListResponseSchema>

export const CrawlDeleteResponseSchema = z.object({ deleted: z.boolean() })

/** retry = the failed ids only, same crawl, attempts kept (each gets maxAttempts more). */
export const CRAWL_ACTIONS = ['cancel', 'pause', 'resume', 'retry'] as const
export const CrawlActionSchema = z.enum(CRAWL_ACTIONS)
export type CrawlAction = z.infer<typeof CrawlActionSchema>

/**
 * Rows of items (jsonl, csv), the crawl's summary as one JSON document (counts, errors, HTTP
 * statistics), or its changes only (changes-jsonl, changes-csv: shared/crawl-changes.ts).
 */
export const EXPORT_FORMATS = ['jsonl', 'csv', 'summary', 'changes-jsonl', 'changes-csv'] as const
/** The file an export downloads as: crawl-ID.jsonl, crawl-ID.csv, crawl-ID-summary.json, crawl-ID-changes.csv. */
export function exportFileName(id: string, format: ExportFormat): string {
  if (format === 'summary') return `crawl-${id}-summary.json`
  if (format === 'changes-jsonl' || format === 'changes-csv') return `crawl-${id}-changes.${format.slice(8)}`
  return `crawl-${id}.${format}`
}
/** The formats that are rows of items. */
export type ExportRowFormat = Exclude<ExportFormat, 'summary' | 'changes-jsonl' | 'changes-csv'>
export const ExportFormatSchema = z.enum(EXPORT_FORMATS)
export type ExportFormat = z.infer<typeof ExportFormatSchema>

/**
 * One row of an export, in column order. The listing's fields are null unless the item is
 * done; salary is its text ("50000–70000 EUR per YEAR"), employmentType and skills are
 * joined by "; ".
 */
export const EXPORT_COLUMNS = [
  'source',
  'listingId',
  'state',
  'attempts',
  'errorKind',
  'errorMessage',
  'replica',
  'tookMs',
  'title',
  'company',
  'location',
  'url',
  'datePosted',
  'employmentType',
  'salary',
  'skills'
] as const
export type ExportRow = {
  source: string
  listingId: string
  state: CrawlItemState
  attempts: number
  errorKind: string | null
  errorMessage: string | null
  replica: string | null
  tookMs: number | null
  title: string | null
  company: string | null
  location: string | null
  url: string | null
  datePosted: string | null
  employmentType: string | null
  salary: string | null
  skills: string | null
}
