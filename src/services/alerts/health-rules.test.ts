import { describe, expect, it } from 'vitest'
import { healthAlerts, runFigures, tallyListings } from './health-rules'
import type { RunFigures } from './health-rules'
import type { Listing } from '../../shared/listing'

const figures = (total: number, failed: number, listings: number, salary: number | null): RunFigures => ({
  total,
  failed,
  listings,
  coverage: { salary }
})

describe('health rules', () => {
  it('raises a failure rate over 20 %, not at it', () => {
    expect(healthAlerts(figures(40, 8, 32, 0.5), null)).toEqual([])
    expect(healthAlerts(figures(40, 9, 31, 0.5), null)).toEqual([
      { rule: 'failure-rate', message: '9 of 40 items failed (23 %), over 20 %' }
    ])
  })

  it('raises zero listings only where the last run had at least 10', () => {
    expect(healthAlerts(figures(0, 0, 0, null), figures(10, 0, 10, 0.5))).toEqual([
      { rule: 'no-listings', message: 'No listings, where the last run had 10' }
    ])
    expect(healthAlerts(figures(0, 0, 0, null), figures(9, 0, 9, 0.5))).toEqual([])
    expect(healthAlerts(figures(0, 0, 0, null), null)).toEqual([])
  })

  it('raises a salary coverage below half of the last run’s', () => {
    expect(healthAlerts(figures(20, 0, 20, 0.35), figures(20, 0, 20, 0.8))).toEqual([
      { rule: 'coverage-drop', message: 'Salary on 35 % of listings, down from 80 % in the last run' }
    ])
    expect(healthAlerts(figures(20, 0, 20, 0.4), figures(20, 0, 20, 0.8))).toEqual([])
    expect(healthAlerts(figures(20, 0, 20, 0), figures(20, 0, 20, 0))).toEqual([])
  })

  it('tallies a run’s listings a page at a time: the salary share over every page', () => {
    const salary = { min: 1, max: null, currency: 'EUR', unit: 'YEAR' }
    const page = (withSalary: number, without: number) =>
      [
        ...Array.from({ length: withSalary }, () => ({ salary })),
        ...Array.from({ length: without }, () => ({ salary: null })),
        { salary: { min: null, max: null, currency: null, unit: null } }
      ] as unknown as Listing[]
    const tally = tallyListings(tallyListings({ listings: 0, withSalary: 0 }, page(3, 1)), page(1, 2))
    expect(tally).toEqual({ listings: 9, withSalary: 4 })
    expect(runFigures(12, 3, tally)).toEqual({ total: 12, failed: 3, listings: 9, coverage: { salary: 4 / 9 } })
    expect(runFigures(0, 0, { listings: 0, withSalary: 0 }).coverage.salary).toBeNull()
    // A quiet re-crawl fetched nothing whole but saw 40 live listings: not "no listings".
    const quiet = runFigures(40, 0, { listings: 0, withSalary: 0 }, 40)
    expect(quiet).toEqual({ total: 40, failed: 0, listings: 40, coverage: { salary: null } })
    expect(healthAlerts(quiet, figures(40, 0, 40, 0.5))).toEqual([])
  })
})
