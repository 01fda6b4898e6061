/**
 * The `hosts` stream: every host's politeness status (or one source's), asked of the API at
 * most every `intervalMs` for each open stream and sent only when it changed. The status is a
 * minute-wide rate and a few counts, so a 2 s poll is live enough and costs the API three
 * Elasticsearch requests per tick. A stream ends when the API stops answering for a while.
 */
import type { HostListResponse } from '../../shared/source'
import type { StreamSource } from './stream-source'

export interface HostWatchOptions {
  /** Default 2000 ms. */
  intervalMs?: number
  /** Consecutive failed polls before the stream ends. Default 15 (30 s at 2 s). */
  maxFailures?: number
}

export function hostStreamSource(
  hosts: (source?: string) => Promise<HostListResponse>,
  options: HostWatchOptions = {}
): StreamSource<'hosts'> {
  const intervalMs = options.intervalMs ?? 2000
  const maxFailures = options.maxFailures ?? 15
  return async (params, sink) => {
    const first = await hosts(params.source)
    let last = JSON.stringify(first)
    let failures = 0
    let timer: NodeJS.Timeout | null = null
    let stopped = false
    const poll = async (): Promise<void> => {
      try {
        const next = await hosts(params.source)
        failures = 0
        const text = JSON.stringify(next)
        if (!stopped && text !== last) {
          last = text
          sink.push([next])
        }
      } catch (err) {
        failures += 1
        if (failures >= maxFailures) {
          stopped = true
          sink.end(`the API stopped answering: ${(err as Error).message}`)
          return
        }
      }
      if (!stopped) timer = setTimeout(() => void poll(), intervalMs)
    }
    timer = setTimeout(() => void poll(), intervalMs)
    return {
      initial: [first],
      stop: () => {
        stopped = true
        if (timer !== null) clearTimeout(timer)
      }
    }
  }
}
