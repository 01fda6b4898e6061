/**
 * A watched crawl's health: what its run fetched, and the alerts its rules raised against
 * the run before it (src/services/alerts/health-rules.ts). Recorded on the watch's run.
 * No Node imports: the renderer bundles this file.
 */
import { z } from 'zod'

const HEALTH_RULES = ['failure-rate', 'no-listings', 'coverage-drop'] as const

const HealthAlertSchema = z.object({ rule: z.enum(HEALTH_RULES), message: z.string() })
export type HealthAlert = z.infer<typeof HealthAlertSchema>

export const RunHealthSchema = z.object({
  total: z.number().int(),
  failed: z.number().int(),
  /** Listings the crawl fetched and indexed. */
  listings: z.number().int(),
  /** Share (0–1) of those listings that have the field; null with no listings. */
  coverage: z.object({ salary: z.number().nullable() }),
  alerts: z.array(HealthAlertSchema)
})
export type RunHealth = z.infer<typeof RunHealthSchema>
