import { describe, expect, it } from 'vitest'
import { healthAlerts } from './health-rules'
import type { RunFigures } from './health-rules'

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
})
