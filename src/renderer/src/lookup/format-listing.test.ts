import { describe, expect, it } from 'vitest'
import { formatAge, formatTook } from './format-listing'
import { formatSalary } from '../../../shared/salary-text'
import { listingIdProblem } from './LookupForm'

describe('listing formatting', () => {
  it('formats salaries people can read', () => {
    expect(formatSalary({ min: 60000, max: 80000, currency: 'EUR', unit: 'YEAR' })).toBe('60,000–80,000 EUR a year')
    expect(formatSalary({ min: 50000, max: null, currency: 'USD', unit: null })).toBe('from 50,000 USD')
    expect(formatSalary({ min: null, max: 40, currency: null, unit: 'HOUR' })).toBe('up to 40 an hour')
    expect(formatSalary({ min: null, max: null, currency: 'EUR', unit: 'YEAR' })).toBeNull()
    expect(formatSalary(null)).toBeNull()
  })
  it('formats ages and durations', () => {
    expect(formatAge(4_000)).toBe('4 s')
    expect(formatAge(12 * 60_000)).toBe('12 min')
    expect(formatAge(3 * 86_400_000)).toBe('3 d')
    expect(formatTook(12.4)).toBe('12 ms')
    expect(formatTook(2345)).toBe('2.35 s')
  })
})

describe('listingIdProblem', () => {
  it('explains an invalid id in the schema’s words and passes a valid one', () => {
    expect(listingIdProblem('104233')).toBeNull()
    expect(listingIdProblem('12/3')).toMatch(/letters, digits/)
    expect(listingIdProblem('..')).toMatch(/cannot be/)
    expect(listingIdProblem('x'.repeat(65))).toMatch(/1–64/)
  })
})
