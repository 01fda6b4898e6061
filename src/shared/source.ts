/**
 * The source contract: a job board the fleet may scrape, its politeness settings, and what
 * the stack knows of each of its hosts right now. Sources are data in the stack (their own
 * ledger index), so boards come and go while the fleet runs. Shared by the coordinator, the
 * scraper, the panel, the CLI and REST. No Node imports: the renderer bundles this file.
 */
import { z } from 'zod'

export const SOURCE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/
export const SourceNameSchema = z
  .string()
  .regex(
    SOURCE_NAME_PATTERN,
    'A source name is 1–63 of lower-case letters, digits and "-", starting with a letter or digit'
  )

/** The source the stack makes at first start: its own job board. */
export const DEFAULT_SOURCE_NAME = 'jobboard'

const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'A URL here is an absolute http(s) URL' })

const DEFAULT_MAX_IN_FLIGHT = 2
const DEFAULT_MIN_GAP_MS = 1000

/** What to do with a host's items once it is marked blocked (it kept refusing). */
export const ON_BLOCKED = ['wait', 'fail'] as const
const OnBlockedSchema = z.enum(ON_BLOCKED)
export type OnBlocked = z.infer<typeof OnBlockedSchema>

/**
 * Per host of a source, for every crawl and every replica together, measured by when a fetch
 * starts: at most `maxInFlight` fetches at once and at least `minGapMs` between two starts.
 * robots.txt's Crawl-delay raises the gap; it never lowers it.
 */
const POLITENESS_FIELDS = {
  /** Up to 10,000: a local board with no limit (the stack's own) is bounded by the crawl window instead. */
  maxInFlight: z.number().int().min(1, 'At most N requests in flight: N is at least 1').max(10_000),
  minGapMs: z.number().int().min(0).max(3_600_000),
  /** Off only by an explicit, logged choice of the user. */
  respectRobots: z.boolean(),
  /** Scrapy's AutoThrottle rule: the gap follows the host's latency ÷ maxInFlight, never below minGapMs. */
  autoThrottle: z.boolean(),
  onBlocked: OnBlockedSchema
}

export const PolitenessSchema = z.object({
  maxInFlight: POLITENESS_FIELDS.maxInFlight.default(DEFAULT_MAX_IN_FLIGHT),
  minGapMs: POLITENESS_FIELDS.minGapMs.default(DEFAULT_MIN_GAP_MS),
  respectRobots: POLITENESS_FIELDS.respectRobots.default(true),
  autoThrottle: POLITENESS_FIELDS.autoThrottle.default(false),
  onBlocked: POLITENESS_FIELDS.onBlocked.default('wait')
})
/**
 * An edit's politeness: only the fields given. Not `PolitenessSchema.partial()`: that keeps
 * each field's default, so a partial would carry every default and overwrite what it meant
 * to keep.
 */
export const PolitenessEditSchema = z.object(POLITENESS_FIELDS).partial()
export type Politeness = z.output<typeof PolitenessSchema>

const ID_PLACEHOLDER = '{id}'

/**
 * Why a listing URL template cannot be used, or null: it must be an absolute http(s) URL with
 * one `{id}` before any fragment, so the part before `{id}` is a prefix the scraper can hold
 * every fetch to.
 */
export function listingUrlTemplateProblem(template: string): string | null {
  if (!/^https?:\/\//i.test(template)) return 'A listing URL template is an http(s) URL'
  const at = template.indexOf(ID_PLACEHOLDER)
  if (at < 0) return 'A listing URL template contains {id}'
  if (template.indexOf(ID_PLACEHOLDER, at + 1) >= 0) return 'A listing URL template contains {id} once'
  if (template.slice(0, at).includes('#')) return 'The {id} of a listing URL template cannot be in the URL fragment'
  if (!URL.canParse(template.replace(ID_PLACEHOLDER, 'id'))) return 'A listing URL template is an absolute URL'
  return null
}

const ListingUrlTemplateSchema = z
  .string()
  .max(2000)
  .superRefine((template, ctx) => {
    const problem = listingUrlTemplateProblem(template)
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem })
  })

export const SourceSpecSchema = z
  .object({
    name: SourceNameSchema,
    /** A listing page URL with `{id}`, e.g. https://board.example/jobs/{id}; null = only the URLs its sitemaps list. */
    listingUrlTemplate: ListingUrlTemplateSchema.nullable().default(null),
    sitemapUrls: z.array(HttpUrlSchema).max(20).default([]),
    politeness: PolitenessSchema.default(PolitenessSchema.parse({}))
  })
  .refine(
    (s) => s.listingUrlTemplate !== null || s.sitemapUrls.length > 0,
    'A source needs a listing URL template or at least one sitemap URL'
  )
export type SourceSpecInput = z.input<typeof SourceSpecSchema>

/** Every field but the name may be edited. */
export const SourceEditSchema = z.object({
  listingUrlTemplate: ListingUrlTemplateSchema.nullable().optional(),
  sitemapUrls: z.array(HttpUrlSchema).max(20).optional(),
  politeness: PolitenessEditSchema.optional()
})
export type SourceEdit = z.infer<typeof SourceEditSchema>

const IsoTimeSchema = z.string()

export const SourceSchema = z.object({
  name: SourceNameSchema,
  listingUrlTemplate: z.string().nullable(),
  sitemapUrls: z.array(z.string()),
  politeness: PolitenessSchema,
  paused: z.boolean(),
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema
})
export type Source = z.infer<typeof SourceSchema>

const ROBOTS_STATES = ['unknown', 'allowed-all', 'fetched', 'unreachable', 'ignored'] as const
const RobotsStateSchema = z.enum(ROBOTS_STATES)

/**
 * What the stack knows of one host right now (the Sources view, `deck source show|hosts`,
 * GET /hosts, GET /sources/:name/hosts). The limits are null where politeness is off for the host.
 */
const HostStatusSchema = z.object({
  host: z.string(),
  source: SourceNameSchema,
  maxInFlight: z.number().int().nullable(),
  /** minGapMs raised by robots Crawl-delay or AutoThrottle. */
  effectiveGapMs: z.number().int().nullable(),
  inFlight: z.number().int(),
  /** Fetch starts over the last minute ÷ 60, against allowedPerSecond. */
  requestsPerSecond: z.number(),
  /** The most fetch starts a second its limits allow; null when nothing limits it (no gap, or politeness off). */
  allowedPerSecond: z.number().nullable(),
  /** Items of running crawls on this host not finished yet (queued or being scraped). */
  remaining: z.number().int(),
  robots: z.object({
    state: RobotsStateSchema,
    fetchedAt: IsoTimeSchema.nullable(),
    crawlDelayMs: z.number().int().nullable(),
    /** URLs refused as RobotsDisallowed (crawl items skipped, lookups refused) since robots.txt was last fetched. */
    disallowedCount: z.number().int(),
    /** The status robots.txt answered with (null: not fetched, or a network error). */
    httpStatus: z.number().int().nullable().optional(),
    /** When it is fetched again; while `unreachable`, the host waits until then. */
    expiresAt: IsoTimeSchema.nullable().optional()
  }),
  /** Paused by a 429/503 (or a failing robots.txt) until then; null when not paused now. */
  backoffUntil: IsoTimeSchema.nullable(),
  backoffReason: z.string().nullable(),
  blocked: z.boolean(),
  lastAnswer: z.string().nullable()
})
export type HostStatus = z.infer<typeof HostStatusSchema>

export const HostListResponseSchema = z.object({ hosts: z.array(HostStatusSchema) })
export type HostListResponse = z.infer<typeof HostListResponseSchema>

export const SourceDetailSchema = SourceSchema.extend({ hosts: z.array(HostStatusSchema) })
export type SourceDetail = z.infer<typeof SourceDetailSchema>

export const SourceListResponseSchema = z.object({ sources: z.array(SourceDetailSchema) })
export type SourceListResponse = z.infer<typeof SourceListResponseSchema>

/** Error kinds of the source surfaces (REST, panel, CLI); their statuses and hints are in error-kinds.ts. */
export type SourceErrorKind =
  'InvalidSource' | 'SourceNotFound' | 'SourceNameTaken' | 'SourceConflict' | 'SourcesUnavailable'

/** What the stack's scrapers are told of every source (the crawl-control fanout carries it). */
export const AnnouncedSourceSchema = z.object({
  name: SourceNameSchema,
  listingUrlTemplate: z.string().nullable(),
  paused: z.boolean()
})
export type AnnouncedSource = z.infer<typeof AnnouncedSourceSchema>

/**
 * The `_id` of a listing of a source, in the listings cache and everywhere an id must be
 * unique across sources: `<source>:<id>` (neither a source name nor a listing id holds ":").
 * The default source's listings keep the bare id, so the cache and the callers that knew no
 * sources go on finding them.
 */
export function sourceListingKey(source: string | undefined, id: string): string {
  return source === undefined || source === DEFAULT_SOURCE_NAME ? id : `${source}:${id}`
}
