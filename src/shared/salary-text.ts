/**
 * A salary as one line of text, the way the panel shows it ("60,000–80,000 EUR a year"), for
 * every place that prints one: the lookup card and the crawl export. No Node imports.
 */
import type { Salary } from './listing'

const UNIT_WORDS: Record<string, string> = {
  YEAR: 'a year',
  MONTH: 'a month',
  WEEK: 'a week',
  DAY: 'a day',
  HOUR: 'an hour'
}

/** 60,000–80,000 EUR a year; "from 50,000 USD"; null when nothing is known. */
export function formatSalary(salary: Salary | null): string | null {
  if (salary === null || (salary.min === null && salary.max === null)) return null
  const number = (n: number): string => n.toLocaleString('en-US')
  const amount =
    salary.min !== null && salary.max !== null && salary.min !== salary.max
      ? `${number(salary.min)}–${number(salary.max)}`
      : salary.min !== null && salary.max !== null
        ? number(salary.min)
        : salary.min !== null
          ? `from ${number(salary.min)}`
          : `up to ${number(salary.max ?? 0)}`
  const unit =
    salary.unit === null ? '' : ` ${UNIT_WORDS[salary.unit.toUpperCase()] ?? `per ${salary.unit.toLowerCase()}`}`
  return `${amount}${salary.currency === null ? '' : ` ${salary.currency}`}${unit}`
}
