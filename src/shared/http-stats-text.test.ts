import { expect, it } from 'vitest'
import { formatLatencyPercentiles, formatStatusCounts } from './http-stats-text'

it('writes status counts in code order and percentiles rounded', () => {
  expect(formatStatusCounts({ '404': 2, '200': 40, '429': 1 })).toBe('200 × 40, 404 × 2, 429 × 1')
  expect(formatStatusCounts({})).toBe('none')
  expect(formatLatencyPercentiles({ p50: 12.4, p95: 80.5, p99: 140 })).toBe('12 / 81 / 140 ms')
  expect(formatLatencyPercentiles({ p50: null, p95: null, p99: null })).toBe('–')
})
