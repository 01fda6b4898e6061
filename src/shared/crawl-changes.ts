/**
 * A crawl's change report: what each listing it covered did since the crawl before it of the
 * same source (new, changed with its fields old → new, unchanged, gone, failed), as the REST
 * API, the CLI, the panel and the export read it. No Node imports: the renderer bundles this file.
 */
import { z } from 'zod'

export const CHANGE_KINDS = ['new', 'changed', 'unchanged', 'gone', 'failed'] as const
const ChangeKindSchema = z.enum(CHANGE_KINDS)
export type ChangeKind = z.infer<typeof ChangeKindSchema>

/** Every item a crawl finished (done, failed, skipped) has one kind, so these add up to those. */
export const CrawlChangeCountsSchema = z.object({
  new: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  gone: z.number().int(),
  failed: z.number().int()
})
export type CrawlChangeCounts = z.infer<typeof CrawlChangeCountsSchema>

/** The listing fields compared (and hashed) to tell a change; what changes on every fetch is left out. */
export const COMPARED_FIELDS = [
  'title',
  'company',
  'location',
  'employmentType',
  'salary',
  'skills',
  'datePosted',
  'validThrough',
  'description'
] as const
export type ComparedField = (typeof COMPARED_FIELDS)[number]

/** One field of a changed listing, as text (a salary as its line, a list joined by "; "). */
const FieldDiffSchema = z.object({ field: z.string(), old: z.string().nullable(), new: z.string().nullable() })
export type FieldDiff = z.infer<typeof FieldDiffSchema>

const CrawlChangeSchema = z.object({
  source: z.string(),
  listingId: z.string(),
  kind: ChangeKindSchema,
  /** The listing's title and company as last known (null when it was never fetched whole). */
  title: z.string().nullable(),
  company: z.string().nullable(),
  /** For a changed listing: its fields that differ; else empty. */
  fields: z.array(FieldDiffSchema),
  /** Why, for a failed or gone one: the error, or "no longer in the sitemap". */
  reason: z.string().nullable()
})
export type CrawlChange = z.infer<typeof CrawlChangeSchema>

export const CrawlChangesQuerySchema = z.object({
  /** One kind; by default every kind but unchanged. */
  kind: ChangeKindSchema.optional(),
  /** Words of the title or company, or a listing id. */
  q: z.string().max(200).optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.number().int().min(1).max(500).default(100)
})
export type CrawlChangesQuery = z.input<typeof CrawlChangesQuerySchema>

export const CrawlChangesPageSchema = z.object({
  counts: CrawlChangeCountsSchema,
  changes: z.array(CrawlChangeSchema),
  nextCursor: z.string().nullable()
})
export type CrawlChangesPage = z.infer<typeof CrawlChangesPageSchema>

/** The kinds a report lists when none is asked for: what differs. */
export const LISTED_CHANGE_KINDS: readonly ChangeKind[] = ['new', 'changed', 'gone', 'failed']

/** An export of changes only: one row per listing of a listed kind, in column order. */
export const CHANGE_EXPORT_COLUMNS = ['source', 'listingId', 'kind', 'title', 'company', 'fields', 'reason'] as const

/** `title: A → B; salary: … → …`, for one line of a table or a CSV cell. */
export function fieldDiffText(fields: readonly FieldDiff[]): string {
  return fields.map((f) => `${f.field}: ${f.old ?? '—'} → ${f.new ?? '—'}`).join('; ')
}
