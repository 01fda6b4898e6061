/**
 * A scraper's own memory of hosts that told it to wait (a 429 with Retry-After, or a run of
 * BUSY_AFTER_503S 503s, host-answers.ts): until then it fetches nothing more from that host,
 * answering FetchSlotMissed (the coordinator re-slots the item after the pause it records from
 * the same answers). This covers the slots the coordinator handed out before it learned of the
 * refusal, on this replica.
 */
import { FetchSlotMissed } from './fetch-slot'
import { BUSY_AFTER_503S } from './host-answers'

/** A busy host's pause here when its 503 gave no Retry-After: longer than the slots already handed out. */
const BUSY_PAUSE_MS = 2000

export class HostPauses {
  private readonly until = new Map<string, number>()
  private readonly unavailable = new Map<string, number>()

  constructor(private readonly now: () => number = Date.now) {}

  pause(host: string, forMs: number): void {
    const until = this.now() + forMs
    if (until > (this.until.get(host) ?? 0)) this.until.set(host, until)
  }

  /** A 503 from the host: the run's BUSY_AFTER_503S-th (and later) pauses it. */
  busy(host: string, retryAfterMs: number | null): void {
    const run = (this.unavailable.get(host) ?? 0) + 1
    this.unavailable.set(host, run)
    if (run >= BUSY_AFTER_503S) this.pause(host, retryAfterMs ?? BUSY_PAUSE_MS)
  }

  /** A page served ends the host's run of 503s. */
  served(host: string): void {
    this.unavailable.delete(host)
  }

  /** Throws FetchSlotMissed while the host is paused. */
  check(host: string): void {
    const until = this.until.get(host)
    if (until === undefined) return
    if (this.now() >= until) {
      this.until.delete(host)
      return
    }
    throw new FetchSlotMissed(
      `Not fetched: ${host} asked this scraper to wait until ${new Date(until).toISOString()}; the coordinator gives it a new slot after that`
    )
  }
}
