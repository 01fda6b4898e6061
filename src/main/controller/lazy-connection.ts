/**
 * A connection made on first use and shared after: a failed attempt is not kept, so the next
 * caller tries again (the broker or Elasticsearch may come up after the panel did).
 */
export class LazyConnection<T> {
  private current: Promise<T> | null = null

  constructor(
    private readonly connect: () => Promise<T>,
    private readonly disconnect: (value: T) => Promise<void>
  ) {}

  get(): Promise<T> {
    if (this.current === null) {
      const connecting = this.connect()
      connecting.catch(() => {
        if (this.current === connecting) this.current = null
      })
      this.current = connecting
    }
    return this.current
  }

  async close(): Promise<void> {
    const current = this.current
    this.current = null
    if (current !== null) await current.then(this.disconnect, () => undefined)
  }
}
