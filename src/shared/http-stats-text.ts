/** How per-host HTTP statistics read as text, the same in the crawl page and the CLI. */
import type { HostHttpStats } from './crawl-http-stats'

/** {"200": 40, "404": 2} → "200 × 40, 404 × 2", codes in order. */
export function formatStatusCounts(responses: Record<string, number>): string {
  const codes = Object.keys(responses).sort()
  return codes.length === 0 ? 'none' : codes.map((code) => `${code} × ${responses[code]}`).join(', ')
}

/** "12 / 80 / 140 ms" for p50 / p95 / p99, "–" before any fetch. */
export function formatLatencyPercentiles(latency: HostHttpStats['latencyMs']): string {
  if (latency.p50 === null || latency.p95 === null || latency.p99 === null) return '–'
  return `${[latency.p50, latency.p95, latency.p99].map((ms) => Math.round(ms)).join(' / ')} ms`
}
