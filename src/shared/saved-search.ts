/**
 * The saved-search contract: a named Lookup search (full-text words plus filters) kept in the
 * stack, with an optional webhook the api service calls after each watched crawl whose
 * listings match. Shared by the api service, REST, the panel and the CLI. No Node imports:
 * the renderer bundles this file.
 */
import { z } from 'zod'
import { MAX_SEARCH_QUERY_LENGTH } from './listing-search'
import { SourceNameSchema } from './source'

export const SavedSearchNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'A saved search name is 1–64 of lower-case letters, digits and "-"')

/** Deliveries kept per saved search, newest first. */
export const DELIVERIES_KEPT = 20
/** Tries of one delivery, the first included. */
export const MAX_DELIVERY_ATTEMPTS = 5

/** The header carrying `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE_HEADER = 'X-Scrapedeck-Signature'

/** A webhook URL: http(s), no user name or password in it (the secret signs the body instead). */
export const WebhookUrlSchema = z
  .string()
  .max(2000)
  .superRefine((text, ctx) => {
    const problem = webhookUrlProblem(text)
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem })
  })

export function webhookUrlProblem(text: string): string | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return `"${text}" is not a URL (for example https://hooks.example.com/scrapedeck)`
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `A webhook URL is http or https, not ${url.protocol.replace(/:$/, '')}`
  if (url.username !== '' || url.password !== '')
    return 'A webhook URL carries no user name or password; the signature header authenticates the body'
  return null
}

/** What a listing must have to match (every filter given must hold; docs/alerts.md). */
export const SavedSearchQuerySchema = z
  .object({
    /** Words, each of which must appear in the title, company, location, skills or description. */
    q: z.string().max(MAX_SEARCH_QUERY_LENGTH).default(''),
    source: SourceNameSchema.optional(),
    /** Exact location, case-insensitive. */
    location: z.string().min(1).max(200).optional(),
    /** The listing's salary (the top of its range, else its bottom) is at least this. */
    minSalary: z.number().min(0).optional(),
    /** Every skill listed must be on the listing, case-insensitive. */
    skills: z.array(z.string().min(1).max(100)).max(20).optional()
  })
  .strict()
export type SavedSearchQuery = z.infer<typeof SavedSearchQuerySchema>
export type SavedSearchQueryInput = z.input<typeof SavedSearchQuerySchema>

/** `words "rust berlin", location Berlin, salary ≥ 60000, skills rust, go` */
export function describeSavedSearchQuery(q: SavedSearchQuery): string {
  const parts = [q.q === '' ? 'any words' : `words "${q.q}"`]
  if (q.source !== undefined) parts.push(`source ${q.source}`)
  if (q.location !== undefined) parts.push(`location ${q.location}`)
  if (q.minSalary !== undefined) parts.push(`salary ≥ ${q.minSalary}`)
  if (q.skills !== undefined && q.skills.length > 0) parts.push(`skills ${q.skills.join(', ')}`)
  return parts.join(', ')
}

export const SavedSearchSpecSchema = z
  .object({
    name: SavedSearchNameSchema,
    query: SavedSearchQuerySchema,
    webhook: WebhookUrlSchema.nullable().default(null)
  })
  .strict()
export type SavedSearchSpecInput = z.input<typeof SavedSearchSpecSchema>

export const SavedSearchEditSchema = z
  .object({ query: SavedSearchQuerySchema.optional(), webhook: WebhookUrlSchema.nullable().optional() })
  .strict()
export type SavedSearchEdit = z.input<typeof SavedSearchEditSchema>

const DeliveryAttemptSchema = z.object({
  at: z.string(),
  /** The receiver's HTTP status; null when there was no answer (refused, timed out). */
  status: z.number().int().nullable(),
  /** Why the attempt failed; null when it was delivered (2xx). */
  error: z.string().nullable(),
  ms: z.number()
})
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>

export const DeliverySchema = z.object({
  id: z.string(),
  event: z.enum(['matches', 'health']),
  watch: z.string().nullable(),
  crawlId: z.string().nullable(),
  url: z.string(),
  /** Listings in the body. */
  listings: z.number().int(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(DeliveryAttemptSchema),
  createdAt: z.string()
})
export type Delivery = z.infer<typeof DeliverySchema>

/** The last watched crawl it matched listings of (with or without a webhook): what the panel's notice reads. */
const LastMatchSchema = z.object({ at: z.string(), watch: z.string(), crawlId: z.string(), listings: z.number().int() })
export type LastMatch = z.infer<typeof LastMatchSchema>

export const SavedSearchSchema = z.object({
  name: SavedSearchNameSchema,
  query: SavedSearchQuerySchema,
  webhook: z.string().nullable(),
  lastMatch: LastMatchSchema.nullable().default(null),
  /** Newest first, at most DELIVERIES_KEPT. */
  deliveries: z.array(DeliverySchema),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type SavedSearch = z.infer<typeof SavedSearchSchema>

/** A saved search with its signing secret: the add answer, and `show --reveal`. */
export const RevealedSavedSearchSchema = SavedSearchSchema.extend({ secret: z.string() })
export type RevealedSavedSearch = z.infer<typeof RevealedSavedSearchSchema>

export const SavedSearchListResponseSchema = z.object({ savedSearches: z.array(SavedSearchSchema) })
export type SavedSearchListResponse = z.infer<typeof SavedSearchListResponseSchema>

export const DeliveryListResponseSchema = z.object({ name: SavedSearchNameSchema, deliveries: z.array(DeliverySchema) })
export type DeliveryListResponse = z.infer<typeof DeliveryListResponseSchema>

export type SavedSearchErrorKind =
  'InvalidSavedSearch' | 'SavedSearchNotFound' | 'SavedSearchExists' | 'SavedSearchConflict'
