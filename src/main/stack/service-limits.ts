/** What one replica of a compose service may take (its memory and CPU limits), for the host ceiling. */
import type { ServiceLimits } from '../../shared/fleet-stats'
import type { ComposeProject, ServiceSpec } from './compose-model'

/** One replica's limits (compose `cpus` / `mem_limit`, or deploy limits); nulls for a service the file lacks. */
export function replicaLimits(spec: ServiceSpec | undefined): ServiceLimits {
  const hardening = spec?.hardening
  return { cpus: hardening?.nanoCpus ? hardening.nanoCpus / 1e9 : null, memoryBytes: hardening?.memoryBytes ?? null }
}

export function serviceLimits(project: ComposeProject): Record<string, ServiceLimits> {
  return Object.fromEntries(
    [...project.services.entries()].map(([serviceName, spec]) => [serviceName, replicaLimits(spec)])
  )
}
