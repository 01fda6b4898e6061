/** Full-text search over cached listings: the query, and hits with highlights and facets. */
import { z } from 'zod'
import { ListingSchema } from './listing'

/** The longest query the panel, the API and the listings layer accept. */
export const MAX_SEARCH_QUERY_LENGTH = 500
const MAX_SEARCH_PAGE_SIZE = 100
export const DEFAULT_SEARCH_PAGE_SIZE = 20
/** Elasticsearch's default index.max_result_window: from + size may not go past it. */
const MAX_SEARCH_WINDOW = 10_000

export const ListingSearchOptionsSchema = z
  .object({
    /** Every listed skill must be on the listing (case-insensitive). */
    skills: z.array(z.string().min(1).max(100)).max(20).optional(),
    /** Exact company name, case-insensitive (as shown in the company facet). */
    company: z.string().min(1).max(200).optional(),
    /** Exact location, case-insensitive (as shown in the location facet). */
    location: z.string().min(1).max(200).optional(),
    /** 1-based. */
    page: z.number().int().min(1).optional(),
    pageSize: z.number().int().min(1).max(MAX_SEARCH_PAGE_SIZE).optional()
  })
  .refine((o) => (o.page ?? 1) * (o.pageSize ?? DEFAULT_SEARCH_PAGE_SIZE) <= MAX_SEARCH_WINDOW, {
    message: `page × pageSize may not exceed ${MAX_SEARCH_WINDOW}`
  })

export type ListingSearchOptions = z.infer<typeof ListingSearchOptionsSchema>

const FacetBucketSchema = z.object({ value: z.string(), count: z.number().int() })

const ListingSearchHitSchema = z.object({
  listing: ListingSchema,
  score: z.number().nullable(),
  cachedAt: z.string(),
  /**
   * Matching fragments, HTML-escaped, with matches wrapped in `<em>…</em>`: safe to render
   * as HTML. A field is absent when it did not match.
   */
  highlights: z.object({ title: z.array(z.string()).optional(), description: z.array(z.string()).optional() })
})

export const ListingSearchResultSchema = z.object({
  query: z.string(),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  hits: z.array(ListingSearchHitSchema),
  facets: z.object({
    skills: z.array(FacetBucketSchema),
    company: z.array(FacetBucketSchema),
    location: z.array(FacetBucketSchema)
  }),
  tookMs: z.number()
})

export type FacetBucket = z.infer<typeof FacetBucketSchema>
export type ListingSearchHit = z.infer<typeof ListingSearchHitSchema>
export type ListingSearchResult = z.infer<typeof ListingSearchResultSchema>
