import { describe, expect, it } from 'vitest'
import { LatencySketch } from './latency-sketch'

describe('LatencySketch', () => {
  it('gives quantiles within 2 % of the true value', () => {
    const sketch = new LatencySketch()
    for (let ms = 1; ms <= 1000; ms++) sketch.add(ms)
    // The true p50, p95 and p99 of 1..1000 are 500, 950 and 990.
    expect(Math.abs(sketch.quantile(0.5)! - 500) / 500).toBeLessThan(0.02)
    expect(Math.abs(sketch.quantile(0.95)! - 950) / 950).toBeLessThan(0.02)
    expect(Math.abs(sketch.quantile(0.99)! - 990) / 990).toBeLessThan(0.02)
  })

  it('is empty until a value comes, and ignores values that are not durations', () => {
    const sketch = new LatencySketch()
    sketch.add(-1)
    sketch.add(Number.NaN)
    expect(sketch.quantile(0.5)).toBeNull()
    sketch.add(0.3)
    expect(sketch.quantile(0.5)).toBe(1)
  })

  it('merged from its buckets answers as the sketch of all the values', () => {
    const a = new LatencySketch()
    const b = new LatencySketch()
    for (const ms of [10, 10, 10, 10]) a.add(ms)
    for (const ms of [200, 200, 200, 200, 200, 200]) b.add(ms)
    const merged = new LatencySketch()
    merged.merge(a.toJSON())
    merged.merge(b.toJSON())
    expect(merged.count).toBe(10)
    expect(Math.abs(merged.quantile(0.4)! - 10) / 10).toBeLessThan(0.02)
    expect(Math.abs(merged.quantile(0.5)! - 200) / 200).toBeLessThan(0.02)
  })
})
