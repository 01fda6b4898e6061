/**
 * Runs one task per key at a time: callers that ask for a key while its task is running
 * share that task's outcome instead of starting another. Nothing is cached once it settles.
 */
export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, Promise<V>>()

  run(key: K, task: () => Promise<V>): Promise<V> {
    const running = this.inFlight.get(key)
    if (running !== undefined) return running
    const started = Promise.resolve()
      .then(task)
      .finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, started)
    return started
  }

  get size(): number {
    return this.inFlight.size
  }
}
