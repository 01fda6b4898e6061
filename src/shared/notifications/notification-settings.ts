/**
 * The desktop notifications the panel can raise, and the settings a person changes in the
 * settings panel (kept as JSON in the user's config directory by the app, in localStorage by
 * the web shell). Every field has a default, so an old or partial settings file still loads.
 */
import { z } from 'zod'

export const NOTIFICATION_KINDS = [
  'containerUnhealthy',
  'containerExited',
  'backlogHigh',
  'crawlFinished',
  'crawlFailed',
  'autoscaleStep',
  'savedSearchMatched',
  'watchHealth'
] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

/** The settings panel's label of each kind. */
export const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  containerUnhealthy: 'A container turns unhealthy',
  containerExited: 'A container exits',
  backlogHigh: 'The scraper backlog stays over the threshold',
  crawlFinished: 'A crawl finished',
  crawlFailed: 'A crawl finished with failures',
  autoscaleStep: 'The autoscaler scaled a service',
  savedSearchMatched: 'A watched crawl fetched listings a saved search matches',
  watchHealth: 'A watched crawl raised a health alert'
}

export const NotificationSettingsSchema = z.object({
  kinds: z
    .object(
      Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, z.boolean().default(true)])) as Record<
        NotificationKind,
        z.ZodDefault<z.ZodBoolean>
      >
    )
    .prefault({}),
  /** ready + unacked on the scraper's queue. */
  backlogThreshold: z.number().int().min(1).max(10_000_000).default(1000),
  /** How long the backlog must stay over the threshold. */
  backlogForSeconds: z.number().int().min(1).max(86_400).default(60),
  /** At most this many notifications of one kind per minute (the rest are counted, then summed up). */
  maxPerKindPerMinute: z.number().int().min(1).max(60).default(3)
})
export type NotificationSettings = z.output<typeof NotificationSettingsSchema>

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = NotificationSettingsSchema.parse({})

/** Parses stored settings; anything unreadable falls back to the defaults rather than failing. */
export function readNotificationSettings(raw: unknown): NotificationSettings {
  const parsed = NotificationSettingsSchema.safeParse(raw ?? {})
  return parsed.success ? parsed.data : DEFAULT_NOTIFICATION_SETTINGS
}

/** One notice to show: the same in both shells. */
export interface PanelNotice {
  kind: NotificationKind
  title: string
  body: string
  /** Notices with the same tag replace each other on the desktop. */
  tag: string
}
