/**
 * One `logs` request: the tail of some containers and, with `follow`, one stream over all
 * of them under one id, owned by the client that asked (its lines go to it alone).
 */
import type { LogLine, OperationResponse, ParsedRequest } from '../../shared/contract'
import type { LogSource } from '../stack/container-logs'
import type { DockerEngine } from '../stack/docker-engine'
import type { ClientChannel } from '../session/client-channel'

type LogEngine = Pick<DockerEngine, 'tailLogs' | 'followLogs'>

export async function openLogStream(engine: LogEngine, client: ClientChannel, sources: LogSource[], request: ParsedRequest<'logs'>): Promise<OperationResponse<'logs'>> {
  const since = Date.now() / 1000
  const lines = await engine.tailLogs(sources, request.tail)
  if (!request.follow) return { lines, streamId: null }
  const streamId = request.streamId ?? client.newStreamId()
  // The follow starts a little before the tail ended; drop what the tail already gave.
  const seen = new Set(lines.map(lineKey))
  const stops: (() => void)[] = []
  let ended = false
  const end = (reason: string): void => {
    if (ended) return
    ended = true
    client.release(streamId)
    client.send('logEnd', { streamId, reason })
  }
  // Own the id before any follow opens, so a stop that races the opening still stops them all.
  let stopRequested = false
  client.own(streamId, () => {
    stopRequested = true
    for (const stop of stops) stop()
    end('stopped')
  })
  let open = sources.length
  const opened = await Promise.allSettled(
    sources.map((s) =>
      engine.followLogs(
        s,
        since,
        (line) => {
          if (!seen.delete(lineKey(line))) client.send('logLine', { ...line, streamId })
        },
        (reason) => {
          if (--open === 0) end(reason)
        }
      )
    )
  )
  for (const r of opened) if (r.status === 'fulfilled') stops.push(r.value)
  const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed !== undefined) {
    // One container could not be followed (removed meanwhile): close the others' follows
    // too, or they would stream on under an id the caller never got.
    ended = true
    client.release(streamId)
    for (const stop of stops) stop()
    throw failed.reason
  }
  if (stopRequested) for (const stop of stops) stop()
  return { lines, streamId }
}

function lineKey(line: LogLine): string {
  return `${line.container} ${line.time} ${line.line}`
}
