import type { Salary } from '../../../shared/listing'

const UNIT_WORDS: Record<string, string> = { YEAR: 'a year', MONTH: 'a month', WEEK: 'a week', DAY: 'a day', HOUR: 'an hour' }

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
  const unit = salary.unit === null ? '' : ` ${UNIT_WORDS[salary.unit.toUpperCase()] ?? `per ${salary.unit.toLowerCase()}`}`
  return `${amount}${salary.currency === null ? '' : ` ${salary.currency}`}${unit}`
}

/** "4 s", "12 min", "3 h", "2 d" — how old a cached copy is. */
export function formatAge(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min`
  const h = Math.round(m / 60)
  if (h < 48) return `${h} h`
  return `${Math.round(h / 24)} d`
}

export function formatTook(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}
