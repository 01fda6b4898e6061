/**
 * Resource use of the fleet: the live per-container readings a client follows (one engine
 * stream per container, shared, throttled, bounded) and the host line the stack table shows
 * beside them, with the one rule that says whether one more replica still fits the host.
 */
import { z } from 'zod'
import type { ContainerStats } from './contract'

/** Readings kept per container for the sparkline (one a second: the last two minutes). */
export const STATS_HISTORY = 120
/** At most one reading a second per container goes to the clients. */
export const STATS_MIN_INTERVAL_MS = 1000

/** What a new replica of a compose service is allowed to take, from compose.yaml. */
const ServiceLimitsSchema = z.object({
  /** mem_limit or deploy.resources.limits.memory, in bytes; null when unlimited. */
  memoryBytes: z.number().nullable(),
  /** cpus or deploy.resources.limits.cpus; null when unlimited. */
  cpus: z.number().nullable()
})
export type ServiceLimits = z.infer<typeof ServiceLimitsSchema>

export const HostInfoSchema = z.object({
  /** The engine host's cores (docker info NCPU). */
  cores: z.number().int(),
  /** Cores busy on the host now, by every process; null when the engine is not on this machine. */
  cpuBusyCores: z.number().nullable(),
  memoryTotalBytes: z.number(),
  /** Memory the host could still give (MemAvailable); null when the engine is not on this machine. */
  memoryAvailableBytes: z.number().nullable(),
  containersRunning: z.number().int(),
  /** Per compose service. */
  serviceLimits: z.record(z.string(), ServiceLimitsSchema)
})
export type HostInfo = z.infer<typeof HostInfoSchema>

export interface HostCeiling {
  /** True when one more replica would pass the host's free cores or memory. */
  over: boolean
  /** Plain words for the warning beside the stepper; null when it fits. */
  reason: string | null
}

/**
 * Whether one more replica of `service` fits: its memory limit within the host's available
 * memory, and its CPU (its `cpus` limit, else what its replicas use on average now) within
 * the cores left free (by every process when the host says, else by the running containers).
 */
export function nextReplicaCeiling(host: HostInfo, service: string, latest: ContainerStats[]): HostCeiling {
  const limits = host.serviceLimits[service] ?? { memoryBytes: null, cpus: null }
  const usedCores = host.cpuBusyCores ?? latest.reduce((sum, s) => sum + s.cpuPercent / 100, 0)
  const freeCores = Math.max(0, host.cores - usedCores)
  const own = latest.filter((s) => s.service === service)
  const replicaCores =
    limits.cpus ?? (own.length > 0 ? own.reduce((sum, s) => sum + s.cpuPercent / 100, 0) / own.length : 0)
  const reasons: string[] = []
  if (
    limits.memoryBytes !== null &&
    host.memoryAvailableBytes !== null &&
    limits.memoryBytes > host.memoryAvailableBytes
  ) {
    reasons.push(
      `its memory limit (${formatBytes(limits.memoryBytes)}) is more than the host has free (${formatBytes(host.memoryAvailableBytes)})`
    )
  }
  if (replicaCores > freeCores) {
    reasons.push(`it needs ${replicaCores.toFixed(2)} cores and ${freeCores.toFixed(2)} of ${host.cores} are free`)
  }
  return reasons.length === 0
    ? { over: false, reason: null }
    : { over: true, reason: `One more ${service} replica would pass the host: ${reasons.join('; ')}.` }
}

/** 1536 → "1.5 KiB", as `docker stats` prints memory. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`
}
