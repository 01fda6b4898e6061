/**
 * robots.txt rules, pure: what a fetch of a host's robots.txt means (RFC 9309, as StormCrawler
 * and Google read it), how long that answer is kept, whether a URL is allowed for our agent,
 * and how Crawl-delay raises a host's gap. The file is parsed with `robots-parser`.
 *
 * - 2xx: the file's rules hold (`fetched`), kept `ttlMs`.
 * - 4xx other than 429: no rules, everything allowed (`allowed-all`), kept `ttlMs`.
 * - 5xx, 429, a network error or a redirect off the host: nothing may be fetched for now
 *   (`unreachable`), kept `errorTtlMs` (or as long as a Retry-After asks, up to an hour), then
 *   fetched again. The host is paused for that long.
 */
import robotsParser from 'robots-parser'
import type { HostStatus } from '../../shared/source'

/** The error kind of an item robots.txt disallows (skipped, never fetched). */
export const ROBOTS_DISALLOWED = 'RobotsDisallowed'

/** The most of a robots.txt that is read; RFC 9309 asks parsers to take at least 500 KiB. */
export const ROBOTS_MAX_BYTES = 512 * 1024
/** Crawl-delay above this is held to it: the longest gap a source may set (source.ts). */
const MAX_CRAWL_DELAY_MS = 3_600_000
const MAX_RETRY_AFTER_MS = 3_600_000

export interface RobotsTiming {
  /** How long a fetched (or 4xx) robots.txt is used. */
  ttlMs: number
  /** How long an unreachable one (5xx, network error) blocks the host before it is fetched again. */
  errorTtlMs: number
}

export const DEFAULT_ROBOTS_TIMING: RobotsTiming = { ttlMs: 6 * 3_600_000, errorTtlMs: 60_000 }

type RobotsState = Exclude<HostStatus['robots']['state'], 'unknown' | 'ignored'>

/** What is stored per host (robots-store.ts) and shared by every coordinator. */
export interface RobotsRecord {
  host: string
  /** The URL the file was fetched from. */
  url: string
  state: RobotsState
  /** The status robots.txt was answered with; null after a network error. */
  httpStatus: number | null
  /** Epoch ms of the fetch. */
  fetchedAt: number
  /** Epoch ms after which it is fetched again (and, while unreachable, the host waits). */
  expiresAt: number
  /** The file's text (only when `fetched`). */
  body: string | null
  /** Why the host waits, for an unreachable robots.txt. */
  reason: string | null
  /** URLs skipped since the fetch because the file disallows them. */
  disallowedCount: number
  /**
   * Our agent's Crawl-delay in the file (ms), parsed when it was fetched, so a host's status
   * needs no parse of the body; absent in a record stored before it was kept.
   */
  crawlDelayMs?: number | null
}

/** A record without its file: what a host's status shows (RobotsStore.summaries). */
export type RobotsSummary = Omit<RobotsRecord, 'body'>

/** How a fetch of robots.txt ended: an answer, or no answer at all. */
export type RobotsAnswer = { status: number; body: string; retryAfterMs: number | null } | { error: string }

export function recordFromAnswer(
  host: string,
  url: string,
  answer: RobotsAnswer,
  now: number,
  timing: RobotsTiming = DEFAULT_ROBOTS_TIMING
): RobotsRecord {
  const base = { host, url, fetchedAt: now, body: null, reason: null, disallowedCount: 0 }
  if ('error' in answer)
    return {
      ...base,
      state: 'unreachable',
      httpStatus: null,
      expiresAt: now + timing.errorTtlMs,
      reason: `robots.txt could not be fetched (${answer.error}); the host waits, as for a 5xx`
    }
  const { status } = answer
  if (status >= 200 && status < 300)
    return { ...base, state: 'fetched', httpStatus: status, expiresAt: now + timing.ttlMs, body: answer.body }
  if (status >= 400 && status < 500 && status !== 429)
    return { ...base, state: 'allowed-all', httpStatus: status, expiresAt: now + timing.ttlMs }
  const waitMs =
    answer.retryAfterMs === null ? timing.errorTtlMs : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, answer.retryAfterMs))
  return {
    ...base,
    state: 'unreachable',
    httpStatus: status,
    expiresAt: now + waitMs,
    reason: `robots.txt answered ${status}; nothing is fetched from the host until it can be read`
  }
}

export interface RobotsRules {
  /** Whether our agent may fetch this URL (of the record's host). */
  allows(url: string): boolean
  /** The file's Crawl-delay for our agent, ms (capped at an hour); null when it sets none. */
  crawlDelayMs: number | null
}

const ALLOW_ALL: RobotsRules = { allows: () => true, crawlDelayMs: null }

/**
 * The rules a record holds for `userAgent` (its product token, before any "/", is what the
 * file's User-agent lines are matched against; otherwise the `*` group applies). An
 * unreachable record allows nothing.
 */
export function rulesOf(record: RobotsRecord, userAgent: string): RobotsRules {
  if (record.state === 'allowed-all') return ALLOW_ALL
  if (record.state === 'unreachable') return { allows: () => false, crawlDelayMs: null }
  const robots = robotsParser(record.url, record.body ?? '')
  const delayS = robots.getCrawlDelay(userAgent)
  return {
    // undefined: a URL of another origin, which this file does not govern; the dispatcher never asks.
    allows: (url) => robots.isAllowed(url, userAgent) !== false,
    crawlDelayMs:
      typeof delayS === 'number' && Number.isFinite(delayS) && delayS > 0
        ? Math.min(MAX_CRAWL_DELAY_MS, Math.round(delayS * 1000))
        : null
  }
}

/** The gap a host's fetches keep: its source's minimum, raised (never lowered) by Crawl-delay. */
export function effectiveGapMs(minGapMs: number, crawlDelayMs: number | null): number {
  return Math.max(minGapMs, crawlDelayMs ?? 0)
}

/** The robots part of a host's status (HostStatus.robots) from what is stored. */
export function robotsStatusOf(
  record: RobotsSummary | null,
  respected: boolean,
  userAgent: string
): HostStatus['robots'] {
  if (!respected)
    return {
      state: 'ignored',
      fetchedAt: null,
      crawlDelayMs: null,
      disallowedCount: 0,
      httpStatus: null,
      expiresAt: null
    }
  if (record === null)
    return {
      state: 'unknown',
      fetchedAt: null,
      crawlDelayMs: null,
      disallowedCount: 0,
      httpStatus: null,
      expiresAt: null
    }
  return {
    state: record.state,
    fetchedAt: new Date(record.fetchedAt).toISOString(),
    crawlDelayMs: crawlDelayOf(record, userAgent),
    disallowedCount: record.disallowedCount,
    httpStatus: record.httpStatus,
    expiresAt: new Date(record.expiresAt).toISOString()
  }
}

/** robots.txt of the origin a URL is on. */
export function robotsUrlOf(url: string): string {
  return new URL('/robots.txt', url).href
}

/** The record's Crawl-delay for our agent: as stored, or parsed from the file when it carries one. */
function crawlDelayOf(record: RobotsSummary & { body?: string | null }, userAgent: string): number | null {
  if (record.crawlDelayMs !== undefined) return record.crawlDelayMs
  return record.body === undefined ? null : rulesOf({ ...record, body: record.body }, userAgent).crawlDelayMs
}
