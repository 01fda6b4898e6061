/**
 * The `logs` stream: the tail of some containers, then every new line of all of them (one
 * engine follow per container), ending when the last container stops logging.
 */
import type { LogLine, StreamParams } from '../../shared/contract'
import type { LogSource } from '../stack/container-logs'
import type { DockerEngine } from '../stack/docker-engine'
import type { OpenedStream, StreamOpenOptions, StreamSink } from './stream-source'

type LogEngine = Pick<DockerEngine, 'tailLogs' | 'followLogs'>

export async function openLogStream(
  engine: LogEngine,
  sources: LogSource[],
  params: StreamParams<'logs'>,
  sink: StreamSink<LogLine>,
  { resume }: StreamOpenOptions
): Promise<OpenedStream<LogLine>> {
  const since = Date.now() / 1000
  const lines = resume ? [] : await engine.tailLogs(sources, params.tail)
  // The follow starts a little before the tail ended; drop what the tail already gave.
  const seen = new Set(lines.map(lineKey))
  let open = sources.length
  const opened = await Promise.allSettled(
    sources.map((s) =>
      engine.followLogs(
        s,
        since,
        (line) => {
          if (!seen.delete(lineKey(line))) sink.push([line])
        },
        (reason) => {
          if (--open === 0) sink.end(reason)
        }
      )
    )
  )
  const stops = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const stop = (): void => {
    for (const s of stops) s()
  }
  const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed !== undefined) {
    // One container could not be followed (removed meanwhile): close the others' follows
    // too, or they would stream on for a stream that never opened.
    stop()
    throw failed.reason
  }
  return { initial: lines, stop }
}

function lineKey(line: LogLine): string {
  return `${line.container} ${line.time} ${line.line}`
}
