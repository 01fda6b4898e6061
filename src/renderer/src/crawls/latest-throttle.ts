/**
 * Hands on only the latest of fast-arriving values, at most once per interval: the first at
 * once, then the newest at the end of each interval. Crawl progress is throttled by the
 * server too; this bounds how often the page re-renders whatever the server sends.
 */
export class LatestThrottle<T> {
  private pending: { value: T } | null = null
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (value: T) => void
  ) {}

  push(value: T): void {
    if (this.timer === null) {
      this.deliver(value)
      this.timer = setTimeout(() => this.tick(), this.intervalMs)
    } else this.pending = { value }
  }

  /** Delivers what is pending now (a final value must not wait). */
  flush(): void {
    if (this.pending === null) return
    const { value } = this.pending
    this.pending = null
    this.deliver(value)
  }

  /** Drops what is pending; nothing is delivered after this. */
  cancel(): void {
    this.pending = null
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private tick(): void {
    this.timer = null
    if (this.pending === null) return
    const { value } = this.pending
    this.pending = null
    this.push(value)
  }
}
