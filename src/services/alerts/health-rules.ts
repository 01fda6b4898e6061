/**
 * Health rules for a watched crawl, against the run before it: too many failed items, no
 * listings where the last run had many, and a field's coverage falling by more than half.
 * Pure, so the thresholds are tested with literal values.
 */
import type { Listing } from '../../shared/listing'
import type { HealthAlert, RunHealth } from '../../shared/watch-health'

export interface HealthThresholds {
  /** Failed items over this share of the crawl's items raise an alert. */
  maxFailureRate: number
  /** "Many" listings in the last run, for the zero-listings rule. */
  manyListings: number
  /** Coverage below this fraction of the last run's raises an alert. */
  coverageDropFactor: number
}

const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  maxFailureRate: 0.2,
  manyListings: 10,
  coverageDropFactor: 0.5
}

export type RunFigures = Omit<RunHealth, 'alerts'>

/** What the health rules read of a run's listings, tallied a page at a time. */
export interface ListingTally {
  listings: number
  withSalary: number
}

export function tallyListings(tally: ListingTally, page: readonly Listing[]): ListingTally {
  const withSalary = page.filter((l) => l.salary !== null && (l.salary.min !== null || l.salary.max !== null)).length
  return { listings: tally.listings + page.length, withSalary: tally.withSalary + withSalary }
}

/**
 * A run's figures from its counts and the tally of the listings it fetched whole. `live` is
 * how many listings its change report found on the board (new + changed + unchanged): a
 * re-crawl that fetched nothing whole because nothing changed still saw them all, and must not
 * read as "no listings". Without a report, the listings fetched are all it knows.
 */
export function runFigures(total: number, failed: number, tally: ListingTally, live: number | null = null): RunFigures {
  return {
    total,
    failed,
    listings: live ?? tally.listings,
    coverage: { salary: tally.listings === 0 ? null : tally.withSalary / tally.listings }
  }
}

export function healthAlerts(
  current: RunFigures,
  previous: RunFigures | null,
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS
): HealthAlert[] {
  const alerts: HealthAlert[] = []
  if (current.total > 0 && current.failed / current.total > thresholds.maxFailureRate)
    alerts.push({
      rule: 'failure-rate',
      message: `${current.failed} of ${current.total} items failed (${percent(current.failed / current.total)}), over ${percent(thresholds.maxFailureRate)}`
    })
  if (previous === null) return alerts
  if (current.listings === 0 && previous.listings >= thresholds.manyListings)
    alerts.push({ rule: 'no-listings', message: `No listings, where the last run had ${previous.listings}` })
  const now = current.coverage.salary
  const before = previous.coverage.salary
  if (now !== null && before !== null && before > 0 && now < before * thresholds.coverageDropFactor)
    alerts.push({
      rule: 'coverage-drop',
      message: `Salary on ${percent(now)} of listings, down from ${percent(before)} in the last run`
    })
  return alerts
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`
}
