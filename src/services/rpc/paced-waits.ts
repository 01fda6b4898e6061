/**
 * Requests that must not run before a given time (a crawl's fetch slot) wait on a timer, not
 * in a worker, and not in the prefetch either: while they wait, the channel's prefetch is
 * raised by their number (up to `extra`), so a replica holding requests for later slots still
 * takes the requests it can run now.
 *
 * RabbitMQ enforces two limits on a channel: the consumer's own (basic.qos global=false, fixed
 * when it starts consuming) and the channel's (global=true, which takes effect at once when it
 * changes). The consumer's is set to base + extra at setup; the channel's follows base + the
 * number waiting, one basic.qos at a time, the newest count winning.
 */
import type { Channel } from 'amqplib'

export class PacedWaits {
  private waiting = 0
  private applied: { channel: Channel; count: number } | null = null
  private applying: Promise<void> | null = null
  private channel: Channel | null = null

  constructor(
    private readonly base: number,
    private readonly extra: number
  ) {}

  get enabled(): boolean {
    return this.extra > 0
  }

  /** Sets a new channel's limits, before it consumes. */
  async setup(channel: Channel): Promise<void> {
    if (!this.enabled) {
      await channel.prefetch(this.base)
      return
    }
    await channel.prefetch(this.base + this.extra, false)
    const count = this.limit()
    await channel.prefetch(count, true)
    this.channel = channel
    this.applied = { channel, count }
    this.follow()
  }

  /** Waits until `at` (epoch ms) with the prefetch raised by one meanwhile. */
  async until(at: number): Promise<void> {
    const ms = at - Date.now()
    if (ms <= 0) return
    this.waiting += 1
    this.follow()
    try {
      await new Promise((resolve) => setTimeout(resolve, ms))
    } finally {
      this.waiting -= 1
      this.follow()
    }
  }

  private limit(): number {
    return this.base + Math.min(this.waiting, this.extra)
  }

  /** Brings the channel's limit to the current count; one basic.qos in flight at a time. */
  private follow(): void {
    if (!this.enabled || this.applying !== null) return
    const channel = this.channel
    const count = this.limit()
    if (channel === null || (this.applied?.channel === channel && this.applied.count === count)) return
    this.applying = Promise.resolve()
      .then(() => channel.prefetch(count, true))
      .then(
        () => {
          this.applied = { channel, count }
        },
        // A closed channel: the next one is set up from scratch, with the count of then.
        () => {
          if (this.channel === channel) this.channel = null
        }
      )
      .finally(() => {
        this.applying = null
        this.follow()
      })
  }
}
