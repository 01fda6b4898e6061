/**
 * A latency sketch whose quantiles are within 2 % of the true value (relative), however many
 * values it holds: values fall into logarithmic buckets (bucket i holds (γ^(i-1), γ^i] ms,
 * γ = 1.04), and a quantile is the middle of the bucket that holds its rank. Two sketches
 * merge by adding bucket counts, so one per coordinator process can be stored and summed
 * (the idea of DDSketch). Its size is the number of distinct buckets: about 60 per decade
 * of latency, under 500 from 1 ms to 10 min.
 */
const GAMMA = 1.04
const LOG_GAMMA = Math.log(GAMMA)

/** Bucket index → count; index 0 holds everything up to 1 ms. */
export type SketchBuckets = Record<string, number>

export class LatencySketch {
  private readonly buckets = new Map<number, number>()
  count = 0

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return
    const index = ms <= 1 ? 0 : Math.ceil(Math.log(ms) / LOG_GAMMA)
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1)
    this.count += 1
  }

  merge(buckets: SketchBuckets): void {
    for (const [key, n] of Object.entries(buckets)) {
      const index = Number(key)
      if (!Number.isInteger(index) || !Number.isFinite(n) || n <= 0) continue
      this.buckets.set(index, (this.buckets.get(index) ?? 0) + n)
      this.count += n
    }
  }

  /** The value at quantile q (0..1), or null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = 0
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index)!
      if (seen >= rank) return index === 0 ? 1 : (2 * GAMMA ** index) / (GAMMA + 1)
    }
    return null
  }

  toJSON(): SketchBuckets {
    return Object.fromEntries([...this.buckets].map(([index, n]) => [String(index), n]))
  }
}
