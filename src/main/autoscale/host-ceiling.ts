/**
 * How many replicas of a service the host can hold, from its cores and free memory and what
 * one replica may take (its compose `cpus` and `mem_limit`). Pure: the caller reads the host.
 * The autoscaler uses it only to cap growth (decide.ts).
 */
import type { HostCeiling } from '../../shared/autoscale'

/** A scraper waits on pages most of the time: without a `cpus` limit, four replicas per core. */
const DEFAULT_CPUS_PER_REPLICA = 0.25
/** Without a `mem_limit`: what a Node service with two parse threads needs at most. */
const DEFAULT_MEMORY_PER_REPLICA = 1536 * 1024 * 1024

export interface HostCeilingInput {
  cores: number
  /** Memory the host can still give (MemAvailable). */
  freeMemoryBytes: number
  /** Replicas running now: their memory is already spent, so free memory counts on top of them. */
  current: number
  cpusPerReplica: number | null
  memoryPerReplicaBytes: number | null
}

export function hostCeiling(input: HostCeilingInput): HostCeiling {
  const cpus =
    input.cpusPerReplica !== null && input.cpusPerReplica > 0 ? input.cpusPerReplica : DEFAULT_CPUS_PER_REPLICA
  const memory =
    input.memoryPerReplicaBytes !== null && input.memoryPerReplicaBytes > 0
      ? input.memoryPerReplicaBytes
      : DEFAULT_MEMORY_PER_REPLICA
  const byCores = Math.floor(input.cores / cpus + 1e-9)
  const more = Math.max(0, Math.floor(input.freeMemoryBytes / memory))
  const byMemory = input.current + more
  return {
    replicas: Math.min(byCores, byMemory),
    reason: `${input.cores} cores ÷ ${cpus} cpu = ${byCores}; ${gib(input.freeMemoryBytes)} free ÷ ${gib(memory)} = ${input.current} + ${more}`
  }
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`
}
