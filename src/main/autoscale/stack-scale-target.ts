/**
 * The panel's ScaleTarget: a compose service's containers. Up goes through the orchestrator's
 * scale (next container numbers); down stops exactly the containers the autoscaler chose.
 * A container's replica name is its hostname, as its RPC server reports it: the first 12
 * characters of its id unless the compose file sets `hostname:`.
 */
import type { ComposeProject, ServiceSpec } from '../stack/compose-model'
import type { ContainerRuntime } from '../stack/container-runtime'
import type { StackOrchestrator } from '../stack/stack-orchestrator'
import type { ProgressSink } from '../stack/stack-error'
import type { ScaleTarget } from './autoscaler'

export interface StackScaleTargetParts {
  runtime: Pick<ContainerRuntime, 'listContainers'>
  orchestrator: Pick<StackOrchestrator, 'scale' | 'removeReplicas'>
  loadProject: () => ComposeProject
  projectName: string
  /** Where the scale steps' progress goes (the controller's progress events). */
  report: ProgressSink
}

export function stackScaleTarget(parts: StackScaleTargetParts): ScaleTarget {
  const spec = (service: string) => parts.loadProject().services.get(service)
  return {
    running: async (service) => {
      const hostname = spec(service)?.hostname ?? null
      const containers = await parts.runtime.listContainers(parts.projectName, service)
      return containers.filter((c) => c.state === 'running').map((c) => ({ id: c.id, name: c.name, replica: hostname ?? c.id.slice(0, 12) }))
    },
    scaleUp: async (service, replicas) => {
      await parts.orchestrator.scale(service, replicas, parts.report)
    },
    stop: async (service, replicas) => {
      await parts.orchestrator.removeReplicas(service, replicas.map((r) => r.id), parts.report)
    },
    perReplica: (service) => perReplicaLimits(spec(service))
  }
}

/** What one replica of a service may take (compose `cpus` / `mem_limit`, or deploy limits), for the host ceiling. */
export function perReplicaLimits(service: ServiceSpec | undefined): { cpus: number | null; memoryBytes: number | null } {
  const hardening = service?.hardening
  return { cpus: hardening?.nanoCpus ? hardening.nanoCpus / 1e9 : null, memoryBytes: hardening?.memoryBytes ?? null }
}
