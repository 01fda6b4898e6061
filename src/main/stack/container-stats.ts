/** One CPU/memory reading per container, computed as `docker stats` does. */
import type Docker from 'dockerode'
import type { ContainerStats } from '../../shared/contract'

interface RawStats {
  read: string
  cpu_stats: { cpu_usage: { total_usage: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number }
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number }
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> }
}

export async function containerStats(docker: Docker, source: { id: string; name: string; service: string }): Promise<ContainerStats> {
  // stream=false: the engine takes two samples itself, so precpu_stats is meaningful.
  const raw = (await docker.getContainer(source.id).stats({ stream: false })) as unknown as RawStats
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
