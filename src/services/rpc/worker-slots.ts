/**
 * The RPC server's worker limit, apart from its prefetch: at most `size` handlers run at once,
 * and deliveries beyond that wait here, in arrival order, for a slot. So a server can hold a
 * few more requests than it runs, and a worker that frees takes the next one at once instead
 * of waiting for its reply's confirm, its ack and the broker's next delivery.
 */
export class WorkerSlots {
  private running = 0
  private readonly waiting: Array<(granted: boolean) => void> = []

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`Worker slots must be a positive whole number, got ${size}`)
  }

  /** Resolves true with a slot held (give it back with release), or false if `refuseWaiting` came first. */
  acquire(): Promise<boolean> {
    if (this.running < this.size) {
      this.running += 1
      return Promise.resolve(true)
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  release(): void {
    const next = this.waiting.shift()
    // The slot passes straight to the next waiter, so `running` stays as it is.
    if (next !== undefined) next(true)
    else this.running -= 1
  }

  /** Every delivery still waiting gets false (the server is stopping: they go back to the broker). */
  refuseWaiting(): void {
    for (const waiter of this.waiting.splice(0)) waiter(false)
  }

  get waitingCount(): number {
    return this.waiting.length
  }
}
