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

/** A run's figures from its counts and the listings it fetched. */
export function runFigures(total: number, failed: number, listings: readonly Listing[]): RunFigures {
  const withSalary = listings.filter(
    (l) => l.salary !== null && (l.salary.min !== null || l.salary.max !== null)
  ).length
  return {
    total,
    failed,
    listings: listings.length,
    coverage: { salary: listings.length === 0 ? null : withSalary / listings.length }
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
