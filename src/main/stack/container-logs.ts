/** Container logs: the last N lines, and a follow stream, both split into timestamped lines. */
import type Docker from 'dockerode'
import type { LogLine } from '../../shared/contract'

export interface LogSource {
  id: string
  name: string
  service: string
}

/** The last `tail` lines of each container, merged in time order. */
export async function tailLogs(docker: Docker, sources: LogSource[], tail: number): Promise<LogLine[]> {
  const perContainer = await Promise.all(
    sources.map(async (s) => {
      const tty = (await docker.getContainer(s.id).inspect()).Config.Tty
      const buf = (await docker
        .getContainer(s.id)
        .logs({ stdout: true, stderr: true, timestamps: true, tail, follow: false })) as unknown as Buffer
      const splitter = new LogSplitter(s, tty)
      return [...splitter.push(buf), ...splitter.end()]
    })
  )
  return perContainer.flat().sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''))
}

/**
 * Follows one container's log from `sinceSeconds` on. Returns a stop function; `onEnd` runs
 * once when the stream ends (container removed, engine gone) or is stopped.
 */
export async function followLogs(
  docker: Docker,
  source: LogSource,
  sinceSeconds: number,
  onLine: (line: LogLine) => void,
  onEnd: (reason: string) => void
): Promise<() => void> {
  const container = docker.getContainer(source.id)
  const tty = (await container.inspect()).Config.Tty
  const stream = (await container.logs({
    stdout: true,
    stderr: true,
    timestamps: true,
    follow: true,
    since: sinceSeconds
  })) as NodeJS.ReadableStream
  return pipeLogStream(stream, source, tty, onLine, onEnd)
}

/** An engine log stream (a container's or a swarm task's) as lines until it ends or the returned stop is called. */
export function pipeLogStream(
  stream: NodeJS.ReadableStream,
  source: LogSource,
  tty: boolean,
  onLine: (line: LogLine) => void,
  onEnd: (reason: string) => void
): () => void {
  const splitter = new LogSplitter(source, tty)
  let ended = false
  const end = (reason: string): void => {
    if (ended) return
    ended = true
    for (const line of splitter.end()) onLine(line)
    onEnd(reason)
  }
  stream.on('data', (chunk: Buffer) => {
    for (const line of splitter.push(chunk)) onLine(line)
  })
  stream.on('end', () => end(`${source.name} stopped logging`))
  stream.on('error', (err: Error) => end(`log stream of ${source.name} failed: ${err.message}`))
  return () => {
    ;(stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.()
    end('stopped')
  }
}

/**
 * Splits the engine's log bytes into lines. Without a TTY the engine multiplexes stdout and
 * stderr in frames (8-byte header: stream, 0, 0, 0, big-endian length); with one, it is raw.
 */
export class LogSplitter {
  private pending = Buffer.alloc(0)
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' }

  constructor(
    private readonly source: LogSource,
    private readonly tty: boolean
  ) {}

  push(chunk: Buffer): LogLine[] {
    const out: LogLine[] = []
    if (this.tty) {
      this.text('stdout', chunk.toString('utf8'), out)
      return out
    }
    this.pending = Buffer.concat([this.pending, chunk])
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4)
      if (this.pending.length < 8 + size) break
      const stream = this.pending[0] === 2 ? 'stderr' : 'stdout'
      this.text(stream, this.pending.subarray(8, 8 + size).toString('utf8'), out)
      this.pending = this.pending.subarray(8 + size)
    }
    return out
  }

  end(): LogLine[] {
    const out: LogLine[] = []
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') out.push(this.line(stream, this.partial[stream]))
      this.partial[stream] = ''
    }
    return out
  }

  private text(stream: 'stdout' | 'stderr', text: string, out: LogLine[]): void {
    const parts = (this.partial[stream] + text).split('\n')
    this.partial[stream] = parts.pop() ?? ''
    for (const part of parts) out.push(this.line(stream, part.replace(/\r$/, '')))
  }

  private line(stream: 'stdout' | 'stderr', raw: string): LogLine {
    const space = raw.indexOf(' ')
    const stamp = space > 0 ? raw.slice(0, space) : ''
    const timed = /^\d{4}-\d\d-\d\dT/.test(stamp)
    return {
      container: this.source.name,
      service: this.source.service,
      stream,
      time: timed ? stamp : null,
      line: timed ? raw.slice(space + 1) : raw
    }
  }
}
