/**
 * What a crawl's fetches looked like at each source host, as Scrapy's stats tell its users:
 * responses by status code, bytes, fetch latency percentiles, redirects, timeouts and pages
 * skipped because robots.txt disallows them. Kept in the coordinator's memory and
 * checkpointed every few seconds (crawler/http-stats-store.ts), so it is the picture as of
 * `checkpointedAt` plus whatever the coordinator serving the request has since.
 */
import { z } from 'zod'

const LatencyPercentilesSchema = z.object({
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable()
})

const HostHttpStatsSchema = z.object({
  host: z.string(),
  /** Fetches that got an answer or ran out of time (a refused-before-fetch reply is none). */
  fetches: z.number().int().nonnegative(),
  /** Final answers by HTTP status code ("200", "404", "429", …). */
  responses: z.record(z.string(), z.number().int().nonnegative()),
  /** Body bytes read from the final answers. */
  bytes: z.number().nonnegative(),
  /** Time from the first request to the last byte (or the error), in ms. */
  latencyMs: LatencyPercentilesSchema,
  /** Redirects followed. */
  redirects: z.number().int().nonnegative(),
  /** Fetches that ran out of their deadline. */
  timeouts: z.number().int().nonnegative(),
  /** Items skipped because the host's robots.txt disallows them. */
  robotsSkipped: z.number().int().nonnegative()
})
export type HostHttpStats = z.infer<typeof HostHttpStatsSchema>

export const CrawlHttpStatsSchema = z.object({
  /** One entry per source host, busiest first. */
  hosts: z.array(HostHttpStatsSchema),
  /** The newest checkpoint these numbers include; null before the first one. */
  checkpointedAt: z.string().nullable()
})
export type CrawlHttpStats = z.infer<typeof CrawlHttpStatsSchema>

/** The error kind a robots.txt skip is answered with: counted as robotsSkipped of its host. */
export const ROBOTS_DISALLOWED_KIND = 'RobotsDisallowed'
