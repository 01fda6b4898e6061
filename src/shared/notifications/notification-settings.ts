/**
 * The desktop notifications the panel can raise, and the settings a person changes in the
 * settings panel (kept as JSON in the user's config directory by the app, in localStorage by
 * the web shell). Every field has a default, so an old or partial settings file still loads.
 */
import { z } from 'zod'

export const NOTIFICATION_KINDS = ['containerUnhealthy', 'containerExited', 'backlogHigh', 'crawlFinished', 'crawlFailed', 'autoscaleStep'] as const
export const NotificationKindSchema = z.enum(NOTIFICATION_KINDS)
export type NotificationKind = z.infer<typeof NotificationKindSchema>

/** The settings panel's label of each kind. */
export const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  containerUnhealthy: 'A container turns unhealthy',
  containerExited: 'A container exits',
  backlogHigh: 'The scraper backlog stays over the threshold',
  crawlFinished: 'A crawl finished',
  crawlFailed: 'A crawl finished with failures',
  autoscaleStep: 'The autoscaler scaled a service'
}

export const NotificationSettingsSchema = z.object({
  kinds: z
    .object(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, z.boolean().default(true)])) as Record<NotificationKind, z.ZodDefault<z.ZodBoolean>>)
    .prefault({}),
  /** ready + unacked on the scraper's queue. */
  backlogThreshold: z.number().int().min(1).max(10_000_000).default(1000),
  /** How long the backlog must stay over the threshold. */
  backlogForSeconds: z.number().int().min(1).max(86_400).default(60),
  /** At most this many notifications of one kind per minute (the rest are counted, then summed up). */
  maxPerKindPerMinute: z.number().int().min(1).max(60).default(3)
})
export type NotificationSettings = z.output<typeof NotificationSettingsSchema>
export type NotificationSettingsInput = z.input<typeof NotificationSettingsSchema>

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = NotificationSettingsSchema.parse({})

/** Parses stored settings; anything unreadable falls back to the defaults rather than failing. */
export function readNotificationSettings(raw: unknown): NotificationSettings {
  const parsed = NotificationSettingsSchema.safeParse(raw ?? {})
  return parsed.success ? parsed.data : DEFAULT_NOTIFICATION_SETTINGS
}

/**
 * What a notice needs of the autoscaler's `autoscaleDecision` broadcast (one per evaluation):
 * the fields the autoscale branch's own AutoscaleDecisionSchema (src/shared/autoscale.ts there)
 * has under the same names, so its schema can replace this one when both are merged.
 */
export const AutoscaleDecisionSchema = z
  .object({
    /** Epoch milliseconds of the evaluation. */
    at: z.number(),
    service: z.string(),
    /** Running replicas when evaluated, and what the autoscaler scales to. */
    current: z.number().int(),
    desired: z.number().int(),
    action: z.enum(['up', 'down', 'none']),
    /** e.g. "ceil(230 ÷ 50) = 5". */
    formula: z.string(),
    /** One sentence: the cooldown, the limit or the tolerance that decided it. */
    reason: z.string(),
    /** Set when the scale step failed or was cut short. */
    outcome: z.string().nullable()
  })
  .loose()
export type AutoscaleDecision = z.infer<typeof AutoscaleDecisionSchema>

/** One notice to show: the same in both shells. */
export interface PanelNotice {
  kind: NotificationKind
  title: string
  body: string
  /** Notices with the same tag replace each other on the desktop. */
  tag: string
}
