import { describe, expect, it } from 'vitest'
import type { LogRecord } from '../../../shared/log-record'
import { EMPTY_FILTER, fieldsSummary, logQueryOf, mergeLines } from './log-filter'

const line = (id: string, time: string, replica = 'r1'): LogRecord => ({
  id,
  time,
  level: 'info',
  service: 'scraper',
  replica,
  component: 'scraper',
  msg: 'm',
  fields: {}
})

describe('the Logs view filter', () => {
  it('sends only what is filled in, trimmed, and a field as NAME=VALUE', () => {
    expect(logQueryOf(EMPTY_FILTER)).toEqual({ query: { since: '1h' }, problem: null })
    expect(
      logQueryOf({ ...EMPTY_FILTER, since: '', listingId: ' 42 ', level: 'warn', field: 'kind = ListingNotFound' })
    ).toEqual({ query: { listingId: '42', level: 'warn', fields: { kind: 'ListingNotFound' } }, problem: null })
    expect(logQueryOf({ ...EMPTY_FILTER, field: 'kind' }).problem).toMatch(/NAME=VALUE/)
  })

  it('merges new lines in time order, once each, keeping the newest', () => {
    const shown = [line('a', '2026-12-07T10:00:00.000Z'), line('c', '2026-12-07T10:00:02.000Z')]
    const merged = mergeLines(shown, [line('b', '2026-12-07T10:00:01.000Z'), line('a', '2026-12-07T10:00:00.000Z')], 10)
    expect(merged.map((l) => l.id)).toEqual(['a', 'b', 'c'])
    expect(mergeLines(merged, [line('d', '2026-12-07T10:00:03.000Z')], 2).map((l) => l.id)).toEqual(['c', 'd'])
    expect(mergeLines(merged, [], 10)).toBe(merged)
  })

  it('shows fields as name=value', () => {
    expect(fieldsSummary({ crawlId: 'c-1', tookMs: 12, ok: true })).toBe('crawlId=c-1 tookMs=12 ok=true')
  })
})
