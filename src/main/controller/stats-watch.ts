/**
 * The fleet's live resource use: one engine stats stream per running container, however
 * many clients watch, opened when the first client follows and closed when the last one
 * stops. Each container's readings go out at most once per `minIntervalMs` (the latest
 * wins) and the last `history` of them are kept in a ring buffer for the sparklines, so
 * memory stays bounded whatever the fleet's size or the time watched.
 */
import type { ContainerStats, StackStatus } from '../../shared/contract'
import { STATS_HISTORY, STATS_MIN_INTERVAL_MS } from '../../shared/fleet-stats'
import { RingBuffer } from '../broker/ring-buffer'
import type { StatsSource } from '../stack/container-stats'
import type { StreamSource } from './stream-source'

export interface StatsEngine {
  followStats(
    source: StatsSource,
    onReading: (reading: ContainerStats) => void,
    onEnd: (reason: string) => void
  ): Promise<() => void>
}

export interface StatsWatcher {
  onReading(reading: ContainerStats): void
  onEnd(reason: string): void
}

interface ContainerStream {
  source: StatsSource
  /** Null while the engine stream is being opened. */
  stop: (() => void) | null
  closed: boolean
  history: RingBuffer<ContainerStats>
  lastSentAt: number
  pending: ContainerStats | null
  timer: NodeJS.Timeout | null
}

export interface StatsWatchOptions {
  minIntervalMs?: number
  history?: number
  now?: () => number
}

export class StatsWatches {
  private readonly streams = new Map<string, ContainerStream>()
  private readonly watchers = new Set<StatsWatcher>()
  private readonly minIntervalMs: number
  private readonly capacity: number
  private readonly now: () => number

  constructor(
    private readonly engine: StatsEngine,
    /** The containers running now (used when the first client follows). */
    private readonly running: () => Promise<StatsSource[]>,
    options: StatsWatchOptions = {}
  ) {
    this.minIntervalMs = options.minIntervalMs ?? STATS_MIN_INTERVAL_MS
    this.capacity = options.history ?? STATS_HISTORY
    this.now = options.now ?? Date.now
  }

  /** Starts watching; returns the kept readings (oldest first per container) and the function that stops this watcher. */
  async watch(watcher: StatsWatcher): Promise<{ history: ContainerStats[]; stop: () => void }> {
    const first = this.watchers.size === 0
    this.watchers.add(watcher)
    if (first) this.update(await this.running())
    return {
      history: this.history(),
      stop: () => {
        if (!this.watchers.delete(watcher)) return
        if (this.watchers.size === 0) this.closeAll()
      }
    }
  }

  /** The running containers changed (a status event): open and close streams to match, while anyone watches. */
  update(running: StatsSource[]): void {
    if (this.watchers.size === 0) return
    const ids = new Set(running.map((s) => s.id))
    for (const [id, stream] of this.streams) if (!ids.has(id)) this.close(id, stream)
    for (const source of running) if (!this.streams.has(source.id)) this.open(source)
  }

  /** Containers with an engine stream open now (for tests and diagnostics). */
  openStreams(): string[] {
    return [...this.streams.values()].map((s) => s.source.name)
  }

  /** The panel is closing: every watcher ends. */
  stopAll(reason: string): void {
    const watchers = [...this.watchers]
    this.watchers.clear()
    this.closeAll()
    for (const w of watchers) w.onEnd(reason)
  }

  private history(): ContainerStats[] {
    return [...this.streams.values()].flatMap((s) => s.history.toArray())
  }

  private open(source: StatsSource): void {
    const stream: ContainerStream = {
      source,
      stop: null,
      closed: false,
      history: new RingBuffer(this.capacity),
      lastSentAt: 0,
      pending: null,
      timer: null
    }
    this.streams.set(source.id, stream)
    const forget = (): void => {
      if (this.streams.get(source.id) === stream) this.close(source.id, stream)
    }
    this.engine
      .followStats(source, (reading) => this.receive(stream, reading), forget)
      .then((stop) => {
        if (stream.closed) stop()
        else stream.stop = stop
      })
      // The container went between the status and the open: the next status says so.
      .catch(forget)
  }

  private receive(stream: ContainerStream, reading: ContainerStats): void {
    if (stream.closed) return
    const wait = stream.lastSentAt + this.minIntervalMs - this.now()
    if (wait <= 0) return this.send(stream, reading)
    stream.pending = reading
    stream.timer ??= setTimeout(() => {
      stream.timer = null
      if (stream.pending !== null && !stream.closed) this.send(stream, stream.pending)
    }, wait)
  }

  private send(stream: ContainerStream, reading: ContainerStats): void {
    stream.pending = null
    stream.lastSentAt = this.now()
    stream.history.push(reading)
    for (const w of [...this.watchers]) w.onReading(reading)
  }

  private close(id: string, stream: ContainerStream): void {
    stream.closed = true
    if (stream.timer !== null) clearTimeout(stream.timer)
    stream.timer = null
    this.streams.delete(id)
    stream.stop?.()
  }

  private closeAll(): void {
    for (const [id, stream] of this.streams) this.close(id, stream)
  }
}

/**
 * The `stats` stream: the kept readings of the running containers (of one service, or all),
 * none on resume, then each new reading.
 */
export function statsStreamSource(watches: Pick<StatsWatches, 'watch'>): StreamSource<'stats'> {
  return async ({ service }, sink, { resume }) => {
    const wanted = (reading: { service: string }): boolean => service === undefined || reading.service === service
    const watch = await watches.watch({
      onReading: (reading) => {
        if (wanted(reading)) sink.push([reading])
      },
      onEnd: (reason) => sink.end(reason)
    })
    return { initial: resume ? [] : watch.history.filter(wanted), stop: watch.stop }
  }
}

/** The running containers of a status snapshot (declared services and orphans alike). */
export function runningContainers(status: StackStatus): StatsSource[] {
  return [...status.services.flatMap((s) => s.containers), ...status.orphans]
    .filter((c) => c.state === 'running')
    .map((c) => ({ id: c.id, name: c.name, service: c.service }))
}
