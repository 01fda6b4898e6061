/**
 * The panel's ScaleTarget: a compose service's containers. Up goes through the orchestrator's
 * scale (next container numbers); down stops exactly the containers the autoscaler chose.
 * A container's replica name is its hostname, as its RPC server reports it: the first 12
 * characters of its id unless the compose file sets `hostname:`.
 */
import type { ComposeProject } from '../../compose-model'
import type { ContainerRuntime } from '../../container-runtime'
import type { ProgressSink } from '../../stack-error'
import { replicaLimits } from '../../service-limits'
import type { ScaleTarget } from '../../../autoscale/autoscaler'
import type { ComposeOrchestrator } from './compose-orchestrator'

export interface ComposeScaleTargetParts {
  runtime: Pick<ContainerRuntime, 'listContainers'>
  orchestrator: Pick<ComposeOrchestrator, 'scale' | 'removeReplicas'>
  loadProject: () => ComposeProject
  projectName: string
  /** Where the scale steps' progress goes (the controller's progress events). */
  report: ProgressSink
}

export function composeScaleTarget(parts: ComposeScaleTargetParts): ScaleTarget {
  const spec = (service: string) => parts.loadProject().services.get(service)
  return {
    running: async (service) => {
      const hostname = spec(service)?.hostname ?? null
      const containers = await parts.runtime.listContainers(parts.projectName, service)
      return containers
        .filter((c) => c.state === 'running')
        .map((c) => ({ id: c.id, name: c.name, replica: hostname ?? c.id.slice(0, 12) }))
    },
    scaleUp: async (service, replicas) => {
      await parts.orchestrator.scale(service, replicas, parts.report)
    },
    stop: async (service, replicas) => {
      await parts.orchestrator.removeReplicas(
        service,
        replicas.map((r) => r.id),
        parts.report
      )
    },
    perReplica: (service) => replicaLimits(spec(service))
  }
}
