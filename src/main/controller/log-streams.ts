/** Followed log streams, by id: several containers' follows under one id, stopped together. */
import { randomUUID } from 'node:crypto'
import type Docker from 'dockerode'
import type { LogLine } from '../../shared/contract'
import { followLogs, tailLogs } from '../stack/container-logs'
import type { LogSource } from '../stack/container-logs'

export class LogStreams {
  private readonly streams = new Map<string, (() => void)[]>()

  constructor(
    private readonly docker: Docker,
    private readonly onLine: (streamId: string, line: LogLine) => void,
    private readonly onEnd: (streamId: string, reason: string) => void
  ) {}

  /** The tail, and with `follow` a stream id whose lines go to `onLine` (no line twice). */
  async open(sources: LogSource[], tail: number, follow: boolean): Promise<{ lines: LogLine[]; streamId: string | null }> {
    const since = Date.now() / 1000
    const lines = await tailLogs(this.docker, sources, tail)
    if (!follow) return { lines, streamId: null }
    // The follow starts a little before the tail ended; drop what the tail already gave.
    const seen = new Set(lines.map((l) => `${l.container} ${l.time} ${l.line}`))
    const streamId = randomUUID()
    let open = sources.length
    const opened = await Promise.allSettled(
      sources.map((s) =>
        followLogs(
          this.docker,
          s,
          since,
          (line) => {
            if (!seen.delete(`${line.container} ${line.time} ${line.line}`)) this.onLine(streamId, line)
          },
          (reason) => {
            if (--open === 0 && this.streams.delete(streamId)) this.onEnd(streamId, reason)
          }
        )
      )
    )
    const stops = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) {
      // One container could not be followed (removed meanwhile): close the others' follows too,
      // or they would stream on under an id no caller knows.
      for (const stop of stops) stop()
      throw failed.reason
    }
    this.streams.set(streamId, stops)
    if (sources.length === 0) this.stop(streamId)
    return { lines, streamId }
  }

  stop(streamId: string): boolean {
    const stops = this.streams.get(streamId)
    if (stops === undefined) return false
    this.streams.delete(streamId)
    for (const stop of stops) stop()
    this.onEnd(streamId, 'stopped')
    return true
  }

  stopAll(): void {
    for (const id of [...this.streams.keys()]) this.stop(id)
  }
}
