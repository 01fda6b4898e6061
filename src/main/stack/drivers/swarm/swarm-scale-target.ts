/**
 * The panel's ScaleTarget on a swarm: a service's running tasks. Up and down both go through
 * the swarm orchestrator's scale (a service update of the replica count). Swarm has no call
 * that removes a named task, so a scale-down removes as many tasks as the autoscaler chose,
 * and swarm picks which; each still stops gracefully (its stop signal, then its grace period:
 * the scraper finishes and acks its calls). A task's replica name is its container's
 * hostname, as its RPC server reports it: the container id's first 12 characters unless the
 * file sets `hostname:`.
 */
import type { ComposeProject } from '../../compose-model'
import type { ProgressSink } from '../../stack-error'
import type { SwarmEngine } from './swarm-engine'
import type { SwarmOrchestrator } from './swarm-orchestrator'
import { stackServiceName } from './swarm-spec'
import { currentTasks } from './swarm-status'
import type { ScaleTarget } from '../../../autoscale/autoscaler'
import { replicaLimits } from '../../service-limits'

export interface SwarmScaleTargetParts {
  swarm: Pick<SwarmEngine, 'service' | 'tasks'>
  orchestrator: Pick<SwarmOrchestrator, 'scale'>
  loadProject: () => ComposeProject
  projectName: string
  /** Where the scale steps' progress goes (the controller's progress events). */
  report: ProgressSink
}

export function swarmScaleTarget(parts: SwarmScaleTargetParts): ScaleTarget {
  const spec = (service: string) => parts.loadProject().services.get(service)
  const running = async (service: string) => {
    const found = await parts.swarm.service(parts.projectName, service)
    if (found === null) return []
    const hostname = spec(service)?.hostname ?? null
    return currentTasks(await parts.swarm.tasks([found.ID]))
      .filter((t) => t.Status.State === 'running' && t.DesiredState === 'running')
      .sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0))
      .map((t) => ({
        id: t.ID,
        name: `${stackServiceName(parts.projectName, service)}.${t.Slot ?? 0}`,
        replica: hostname ?? (t.Status.ContainerStatus?.ContainerID ?? t.ID).slice(0, 12)
      }))
  }
  return {
    running,
    scaleUp: async (service, replicas) => {
      await parts.orchestrator.scale(service, replicas, parts.report)
    },
    stop: async (service, replicas) => {
      const now = (await running(service)).length
      await parts.orchestrator.scale(service, Math.max(0, now - replicas.length), parts.report)
    },
    perReplica: (service) => replicaLimits(spec(service))
  }
}
