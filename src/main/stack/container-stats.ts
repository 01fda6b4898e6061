/**
 * CPU/memory readings per container, computed as `docker stats` does: one reading, or the
 * engine's stats stream (a JSON document a second) followed until stopped.
 */
import type Docker from 'dockerode'
import type { ContainerStats } from '../../shared/contract'

interface RawStats {
  read: string
  cpu_stats: {
    cpu_usage: { total_usage: number; percpu_usage?: number[] }
    system_cpu_usage?: number
    online_cpus?: number
  }
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number }
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> }
}

export interface StatsSource {
  id: string
  name: string
  service: string
}

export async function containerStats(docker: Docker, source: StatsSource): Promise<ContainerStats> {
  // stream=false: the engine takes two samples itself, so precpu_stats is meaningful.
  const raw = (await docker.getContainer(source.id).stats({ stream: false })) as unknown as RawStats
  return readingOf(raw, source)
}

/**
 * Follows a container's stats stream. Readings go to `onReading` (the first, which has no
 * previous sample to compare with, is left out); `onEnd` runs once when the stream ends
 * (container stopped or removed, engine gone) or is stopped. Returns the stop function.
 */
export async function followStats(
  docker: Docker,
  source: StatsSource,
  onReading: (reading: ContainerStats) => void,
  onEnd: (reason: string) => void
): Promise<() => void> {
  const stream = (await docker.getContainer(source.id).stats({ stream: true })) as unknown as NodeJS.ReadableStream & {
    destroy(): void
  }
  let pending = ''
  let ended = false
  const end = (reason: string): void => {
    if (ended) return
    ended = true
    onEnd(reason)
  }
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8')
    let newline: number
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).trim()
      pending = pending.slice(newline + 1)
      if (line === '' || ended) continue
      const raw = JSON.parse(line) as RawStats
      if (!raw.precpu_stats.system_cpu_usage) continue
      onReading(readingOf(raw, source))
    }
    // A document is a few KiB; one without a newline past this is not the engine's.
    if (pending.length > 1_000_000) {
      stream.destroy()
      end(`the stats stream of ${source.name} sent a document past 1 MB`)
    }
  })
  stream.on('end', () => end(`${source.name} stopped`))
  stream.on('close', () => end(`${source.name} stopped`))
  stream.on('error', (err: Error) => end(`the stats stream of ${source.name} failed: ${err.message}`))
  return () => {
    stream.destroy()
    end('stopped')
  }
}

function readingOf(raw: RawStats, source: StatsSource): ContainerStats {
  const cpuDelta = raw.cpu_stats.cpu_usage.total_usage - raw.precpu_stats.cpu_usage.total_usage
  const systemDelta = (raw.cpu_stats.system_cpu_usage ?? 0) - (raw.precpu_stats.system_cpu_usage ?? 0)
  const cpus = raw.cpu_stats.online_cpus ?? raw.cpu_stats.cpu_usage.percpu_usage?.length ?? 1
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0
  const stats = raw.memory_stats.stats ?? {}
  // Page cache is reclaimable; `docker stats` leaves it out (inactive_file on cgroup v2, cache on v1).
  const cache = stats['inactive_file'] ?? stats['total_inactive_file'] ?? stats['cache'] ?? 0
  return {
    container: source.name,
    service: source.service,
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryBytes: Math.max(0, (raw.memory_stats.usage ?? 0) - cache),
    memoryLimitBytes: raw.memory_stats.limit ?? 0,
    read: raw.read
  }
}
