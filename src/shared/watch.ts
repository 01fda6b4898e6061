/**
 * The watch contract: one or more sources crawled on a schedule by the coordinator in the
 * stack, with each run's record (due time, the crawl it started or why it was skipped, and
 * the crawl's outcome once it ends). Shared by the coordinator, REST, the panel and the CLI.
 * No Node imports: the renderer bundles this file.
 */
import { z } from 'zod'
import { CrawlChangeCountsSchema } from './crawl-changes'
import { SourceNameSchema } from './source'
import { SCHEDULE_EXAMPLE, scheduleProblem } from './watch-schedule'
import type { WatchSchedule } from './watch-schedule'
import { RunHealthSchema } from './watch-health'
import { DeliverySchema, WebhookUrlSchema } from './saved-search'

export const WatchIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'A watch id is 1–64 of lower-case letters, digits and "-"')

/** Runs kept per watch, newest first: enough for the history chart and `deck watch show`. */
export const WATCH_RUNS_KEPT = 30

const MAX_WATCH_SOURCES = 20

const ScheduleShapeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('cron'),
    cron: z.string().min(1, 'A cron expression is not empty').max(200),
    timeZone: z.string().min(1).max(100).default('UTC')
  }),
  z.object({
    kind: z.literal('every'),
    hours: z
      .number()
      .int('N is a whole number of hours')
      .min(1)
      .max(24 * 366)
  })
])

/** A schedule that parses: the cron expression and time zone are checked here, with the reason and an example. */
export const WatchScheduleSchema = ScheduleShapeSchema.superRefine((schedule, ctx) => {
  const problem = scheduleProblem(schedule as WatchSchedule)
  if (problem !== null) ctx.addIssue({ code: 'custom', message: `${problem}. ${SCHEDULE_EXAMPLE}` })
})

const WatchSourcesSchema = z
  .array(SourceNameSchema)
  .min(1, 'A watch names at least one source')
  .max(MAX_WATCH_SOURCES, `A watch covers at most ${MAX_WATCH_SOURCES} sources`)
  .refine((names) => new Set(names).size === names.length, 'A watch names each source once')

/** What a crawl started by the watch is given (CrawlStartRequest's options). */
const WatchCrawlOptionsSchema = z.object({
  refresh: z.boolean().default(false),
  maxAttempts: z.number().int().min(1).max(10).default(3)
})

export const WatchSpecSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  sources: WatchSourcesSchema,
  schedule: WatchScheduleSchema,
  crawl: WatchCrawlOptionsSchema.default({ refresh: false, maxAttempts: 3 }),
  /** Where its runs' health alerts are POSTed, signed with the watch's secret. */
  webhook: WebhookUrlSchema.nullable().default(null)
})
export type WatchSpecInput = z.input<typeof WatchSpecSchema>

export const WatchEditSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  sources: WatchSourcesSchema.optional(),
  schedule: WatchScheduleSchema.optional(),
  crawl: WatchCrawlOptionsSchema.partial().optional(),
  /** null removes it. */
  webhook: WebhookUrlSchema.nullable().optional()
})
export type WatchEdit = z.input<typeof WatchEditSchema>

const IsoTimeSchema = z.string()

/** schedule: its due time came; missed: it came while no coordinator ran (run once on start); manual: run now. */
const WATCH_RUN_TRIGGERS = ['schedule', 'missed', 'manual'] as const

const WatchRunOutcomeSchema = z.object({
  /** The crawl's end state, or deleted when it was removed before it ended. */
  state: z.enum(['done', 'cancelled', 'deleted']),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  finishedAt: IsoTimeSchema.nullable(),
  /** What the crawl found changed since the source's last crawl (its change report's counts). */
  changes: CrawlChangeCountsSchema.nullable().default(null)
})
export type WatchRunOutcome = z.infer<typeof WatchRunOutcomeSchema>

const WatchRunSchema = z.object({
  id: z.string(),
  /** The schedule's slot this run is for (for a manual run, when it was asked for). */
  dueAt: IsoTimeSchema,
  trigger: z.enum(WATCH_RUN_TRIGGERS),
  /** When a coordinator claimed the slot. */
  decidedAt: IsoTimeSchema,
  /** The crawl it started; null while it is being started, when skipped, or when the start failed. */
  crawlId: z.string().nullable(),
  /** Why no crawl was started for this slot (the previous run still running). */
  skipped: z.string().nullable(),
  /** Why the crawl could not be started. */
  error: z.string().nullable(),
  /** The crawl's end; null while it runs. */
  outcome: WatchRunOutcomeSchema.nullable(),
  /** What the ended crawl fetched and the health alerts it raised; absent until checked. */
  health: RunHealthSchema.nullable().optional()
})
export type WatchRun = z.infer<typeof WatchRunSchema>

export const WatchSchema = z.object({
  id: WatchIdSchema,
  name: z.string(),
  sources: z.array(SourceNameSchema),
  schedule: ScheduleShapeSchema,
  crawl: WatchCrawlOptionsSchema,
  paused: z.boolean(),
  /** "every N hours" counts from here. */
  anchorAt: IsoTimeSchema,
  /** The next due time; null while paused. */
  nextRunAt: IsoTimeSchema.nullable(),
  /** Newest first, at most WATCH_RUNS_KEPT. */
  runs: z.array(WatchRunSchema),
  /** Its health alerts' webhook (docs/alerts.md), or null. */
  webhook: z.string().nullable().default(null),
  /** That webhook's last deliveries, newest first, at most DELIVERIES_KEPT. */
  deliveries: z.array(DeliverySchema).default([]),
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema
})
export type Watch = z.infer<typeof WatchSchema>

/** A watch with its webhook's signing secret: the add answer, and `show --reveal`. */
export const RevealedWatchSchema = WatchSchema.extend({ secret: z.string() })
export type RevealedWatch = z.infer<typeof RevealedWatchSchema>

export const WatchListResponseSchema = z.object({ watches: z.array(WatchSchema) })
export type WatchListResponse = z.infer<typeof WatchListResponseSchema>

export const WATCH_ACTIONS = ['pause', 'resume', 'run'] as const
export type WatchAction = (typeof WATCH_ACTIONS)[number]

export type WatchErrorKind = 'InvalidWatch' | 'WatchNotFound' | 'WatchConflict' | 'WatchesUnavailable'

/** A run whose crawl is still under way (or being started). */
export function runInProgress(run: WatchRun): boolean {
  return run.outcome === null && run.skipped === null && run.error === null
}
