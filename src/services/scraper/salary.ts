/**
 * Salary from schema.org `baseSalary` (or `estimatedSalary`): a MonetaryAmount whose
 * `value` is a QuantitativeValue (minValue / maxValue / value), a number or a string, or
 * the number or string on its own ("$40 - $50 per hour"). A single value is reported as
 * min = max, so consumers only ever deal with a range.
 */
import type { Salary } from '../../shared/listing'
import { asList, isJsonObject } from './json-object'

type Resolve = (value: unknown) => unknown

export function parseSalary(baseSalary: unknown, resolve: Resolve): Salary | null {
  for (const candidate of asList(baseSalary)) {
    const salary = salaryFrom(resolve(candidate), resolve)
    if (salary !== null) return salary
  }
  return null
}

function salaryFrom(amount: unknown, resolve: Resolve): Salary | null {
  if (typeof amount === 'number' || typeof amount === 'string') return complete(fromText(String(amount)))
  if (!isJsonObject(amount)) return null

  const value = resolve(amount['value'])
  let range: Partial<Salary> = {}
  if (isJsonObject(value)) {
    range = rangeOf(value['minValue'], value['maxValue'], value['value'])
    range.unit = unitFromUnitText(textOf(value['unitText']))
  } else if (typeof value === 'number' || typeof value === 'string') {
    range = fromText(String(value))
  }
  if (range.min == null && range.max == null) {
    // MonetaryAmount has its own minValue / maxValue, which some boards use instead.
    range = { ...range, ...rangeOf(amount['minValue'], amount['maxValue'], undefined) }
  }
  return complete({
    min: range.min ?? null,
    max: range.max ?? null,
    currency: textOf(amount['currency'])?.toUpperCase() ?? range.currency ?? null,
    unit: range.unit ?? unitFromUnitText(textOf(amount['unitText']))
  })
}

function rangeOf(minValue: unknown, maxValue: unknown, single: unknown): Partial<Salary> {
  const min = amountOf(minValue)
  const max = amountOf(maxValue)
  const value = amountOf(single)
  if (min === null && max === null) return { min: value, max: value }
  return { min, max }
}

/**
 * An amount in text: groups of three digits after "," or "." are thousands ("120,000",
 * "55.000"), one or two digits after them are cents ("24.50", "1.234,56"), "k" is thousands.
 */
const AMOUNT = /(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*|\d+)(?:[.,](\d{1,2}))?(?!\d)\s*(k\b)?/gi

/** Reads "€55,000 – €65,000 a year", "45k", "24.50/hr". */
export function fromText(text: string): Partial<Salary> {
  const amounts = [...text.matchAll(AMOUNT)]
    .map((match) => {
      const whole = (match[1] ?? '').replace(/[.,]/g, '')
      return Number(`${whole}.${match[3] ?? '0'}`) * (match[4] ? 1000 : 1)
    })
    .filter((amount) => Number.isFinite(amount))
  const [first = null, second = null] = amounts
  return {
    min: first,
    max: second ?? first,
    currency: currencyIn(text),
    unit: unitOf(text)
  }
}

function amountOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string') return fromText(value).min ?? null
  return null
}

function complete(salary: Partial<Salary>): Salary | null {
  if (salary.min == null && salary.max == null) return null
  return {
    min: salary.min ?? null,
    max: salary.max ?? null,
    currency: salary.currency ?? null,
    unit: salary.unit ?? null
  }
}

const CURRENCY_CODES = /\b(USD|EUR|GBP|CAD|AUD|NZD|CHF|SEK|NOK|DKK|PLN|CZK|JPY|CNY|INR|SGD|HKD|BRL|MXN|ZAR)\b/i
/** Only unambiguous symbols: a bare "$" could be US, Canadian, Australian… so it says nothing. */
const CURRENCY_SYMBOLS: [RegExp, string][] = [
  [/€/, 'EUR'],
  [/£/, 'GBP'],
  [/US\$/, 'USD'],
  [/C\$|CA\$/, 'CAD'],
  [/A\$|AU\$/, 'AUD'],
  [/₹/, 'INR']
]

function currencyIn(text: string): string | null {
  const code = CURRENCY_CODES.exec(text)?.[1]
  if (code !== undefined) return code.toUpperCase()
  return CURRENCY_SYMBOLS.find(([pattern]) => pattern.test(text))?.[1] ?? null
}

const UNITS: [RegExp, string][] = [
  [/\b(hours?|hourly|hr)\b/i, 'HOUR'],
  [/\b(days?|daily)\b/i, 'DAY'],
  [/\b(weeks?|weekly)\b/i, 'WEEK'],
  [/\b(months?|monthly)\b/i, 'MONTH'],
  [/\b(years?|yearly|annual(ly)?|annum|yr)\b|p\.a\./i, 'YEAR']
]

/** schema.org's unitText values are HOUR, DAY, WEEK, MONTH, YEAR; boards also write "per hour", "annually"… */
function unitOf(text: string | null): string | null {
  if (text === null) return null
  return UNITS.find(([pattern]) => pattern.test(text))?.[1] ?? null
}

/** A unitText we cannot map (schema.org allows any text) is kept, upper-cased like the standard ones. */
function unitFromUnitText(text: string | null): string | null {
  return text === null ? null : (unitOf(text) ?? text.toUpperCase())
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  return null
}
