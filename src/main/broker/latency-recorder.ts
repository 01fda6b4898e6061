/** Lookup latencies between two metric samples, summarized for the history. */
export interface LatencySummary {
  count: number
  p50Ms: number
  p95Ms: number
  maxMs: number
}

export class LatencyRecorder {
  private samples: number[] = []

  record(ms: number): void {
    this.samples.push(ms)
  }

  /** Summarizes and forgets what was recorded since the last call; null when nothing was. */
  drain(): LatencySummary | null {
    const s = this.samples.sort((a, b) => a - b)
    this.samples = []
    if (s.length === 0) return null
    const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0
    return { count: s.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: s[s.length - 1] ?? 0 }
  }
}
