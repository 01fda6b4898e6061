/**
 * A scraper's own memory of hosts that told it to wait (429 + Retry-After): until then it
 * fetches nothing more from that host, answering FetchSlotMissed (the coordinator re-slots the
 * item after the pause it records from the same answer). This covers the slots the coordinator
 * handed out before it learned of the refusal, on this replica.
 */
import { FetchSlotMissed } from './fetch-slot'

export class HostPauses {
  private readonly until = new Map<string, number>()

  constructor(private readonly now: () => number = Date.now) {}

  pause(host: string, forMs: number): void {
    const until = this.now() + forMs
    if (until > (this.until.get(host) ?? 0)) this.until.set(host, until)
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
