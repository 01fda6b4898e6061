/**
 * The `stackLogs` stream: the stack's log from its store (the API's GET /logs), followed by
 * polling. Lines reach the store up to a couple of seconds after they were written (each
 * service ships every second, Elasticsearch makes them searchable every second) and not in
 * time order across replicas, so each poll asks again for the last OVERLAP_MS and skips the
 * lines it has pushed already: a line that arrives later than that is in the history, not
 * the live tail.
 */
import type { LogPage, LogQuery, LogRecord, StackLogParams } from '../../shared/log-record'
import type { StreamSource } from './stream-source'

export interface StackLogReader {
  logs(query: Partial<LogQuery>): Promise<LogPage>
}

const OVERLAP_MS = 10_000

export function stackLogStreamSource(reader: StackLogReader, pollMs = 1000): StreamSource<'stackLogs'> {
  return async (params, sink, { resume }) => {
    const { tail, ...filter } = params
    const opened = new Date()
    const initial =
      resume || tail === 0 ? [] : (await reader.logs({ ...filter, order: 'newest', size: tail })).lines.reverse()
    const follow = new LogFollow(filter, opened, initial)
    let stopped = false
    let timer: NodeJS.Timeout | null = null
    const poll = async (): Promise<void> => {
      try {
        const fresh = await follow.next(reader)
        if (!stopped && fresh.length > 0) sink.push(fresh)
      } catch {
        // The store or the API is away for now: the next poll tries again.
      }
      if (!stopped) timer = setTimeout(() => void poll(), pollMs)
    }
    timer = setTimeout(() => void poll(), pollMs)
    return {
      initial,
      stop: () => {
        stopped = true
        if (timer !== null) clearTimeout(timer)
      }
    }
  }
}

/** Which lines of a followed query are new: by id, over a window that moves with the newest line seen. */
class LogFollow {
  private seen = new Map<string, number>()
  private newest: number

  constructor(
    private readonly filter: Omit<StackLogParams, 'tail'>,
    openedAt: Date,
    initial: LogRecord[]
  ) {
    this.newest = openedAt.getTime()
    this.remember(initial)
  }

  async next(reader: StackLogReader): Promise<LogRecord[]> {
    const since = new Date(this.newest - OVERLAP_MS).toISOString()
    const page = await reader.logs({ ...this.filter, since, order: 'oldest', size: 1000 })
    const fresh = page.lines.filter((line) => !this.seen.has(line.id))
    this.remember(fresh)
    return fresh
  }

  private remember(lines: LogRecord[]): void {
    for (const line of lines) {
      const time = Date.parse(line.time)
      this.seen.set(line.id, time)
      if (time > this.newest) this.newest = time
    }
    const horizon = this.newest - 2 * OVERLAP_MS
    for (const [id, time] of this.seen) if (time < horizon) this.seen.delete(id)
  }
}
