/** What one replica of each compose service may take (its memory and CPU limits), for the host ceiling. */
import type { ServiceLimits } from '../../shared/fleet-stats'
import type { ComposeProject } from './compose-model'

export function serviceLimits(project: ComposeProject): Record<string, ServiceLimits> {
  return Object.fromEntries(
    [...project.services.entries()].map(([name, spec]) => [
      name,
      { memoryBytes: spec.hardening.memoryBytes, cpus: spec.hardening.nanoCpus === null ? null : spec.hardening.nanoCpus / 1e9 }
    ])
  )
}
