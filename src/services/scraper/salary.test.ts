import { describe, expect, it } from 'vitest'
import { fromText, parseSalary } from './salary'

const noRefs = (value: unknown): unknown => value

describe('parseSalary', () => {
  it('reads MonetaryAmount with a QuantitativeValue range', () => {
    const salary = parseSalary(
      { '@type': 'MonetaryAmount', currency: 'usd', value: { minValue: 100, maxValue: '200', unitText: 'MONTH' } },
      noRefs
    )
    expect(salary).toEqual({ min: 100, max: 200, currency: 'USD', unit: 'MONTH' })
  })

  it('reads a bare number, a MonetaryAmount with its own min/max, and an unknown unitText as given', () => {
    expect(parseSalary(50000, noRefs)).toEqual({ min: 50000, max: 50000, currency: null, unit: null })
    expect(parseSalary({ currency: 'EUR', minValue: 40000, maxValue: 50000, unitText: 'per annum' }, noRefs)).toEqual({
      min: 40000,
      max: 50000,
      currency: 'EUR',
      unit: 'YEAR'
    })
    expect(parseSalary({ currency: 'EUR', value: { value: 300, unitText: 'SHIFT' } }, noRefs)?.unit).toBe('SHIFT')
  })

  it('gives null when there is no amount at all', () => {
    expect(parseSalary(undefined, noRefs)).toBeNull()
    expect(parseSalary('Competitive', noRefs)).toBeNull()
    expect(parseSalary({ currency: 'USD', value: {} }, noRefs)).toBeNull()
  })
})

describe('fromText', () => {
  it.each([
    ['€55.000 – €68.000 per year', { min: 55000, max: 68000, currency: 'EUR', unit: 'YEAR' }],
    ['$120,000.00 - $150,000.00', { min: 120000, max: 150000, currency: null, unit: null }],
    ['24.50/hr', { min: 24.5, max: 24.5, currency: null, unit: 'HOUR' }],
    ['45k-60k GBP', { min: 45000, max: 60000, currency: 'GBP', unit: null }],
    ['1.234,56 EUR monthly', { min: 1234.56, max: 1234.56, currency: 'EUR', unit: 'MONTH' }]
  ])('reads %j', (text, expected) => {
    expect(fromText(text)).toEqual(expected)
  })
})
