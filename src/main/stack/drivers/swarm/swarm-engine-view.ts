/**
 * The controller's view of the engine when the stack runs on a swarm: connectivity is the
 * Docker engine's, and a service's "containers" are its replicas' tasks (current one per
 * slot), whose logs and stats come from the task API.
 */
import type { DockerEngine } from '../../docker-engine'
import type { ProjectContainer } from '../../project-containers'
import type { LogSource } from '../../container-logs'
import type { ContainerStats, LogLine } from '../../../../shared/contract'
import type { EngineView } from '../stack-driver'
import type { SwarmEngine } from './swarm-engine'
import { stackServiceName } from './swarm-spec'
import { currentTasks, taskState } from './swarm-status'

export class SwarmEngineView implements EngineView {
  constructor(
    private readonly engine: DockerEngine,
    private readonly swarm: SwarmEngine
  ) {}

  get connected(): boolean {
    return this.engine.connected
  }

  probe(): Promise<boolean> {
    return this.engine.probe()
  }

  requireConnected(): Promise<void> {
    return this.swarm.requireManager()
  }

  start(): ReturnType<DockerEngine['start']> {
    return this.engine.start()
  }

  stop(): void {
    this.engine.stop()
  }

  on: DockerEngine['on'] = (event, listener) => this.engine.on(event, listener)

  /** The replicas of a stack's services (of one service), lowest slot first, as containers. */
  async listContainers(stack: string, service?: string): Promise<ProjectContainer[]> {
    const services = (await this.swarm.services(stack)).filter(
      (s) => service === undefined || s.Spec?.Name === stackServiceName(stack, service)
    )
    const tasks = await this.swarm.tasks(services.map((s) => s.ID))
    return services.flatMap((s) => {
      const name = (s.Spec?.Name ?? '').slice(stack.length + 1)
      return currentTasks(tasks.filter((t) => t.ServiceID === s.ID)).map((t): ProjectContainer => {
        const { state, health } = taskState(
          t.Status.State,
          s.Spec?.TaskTemplate !== undefined &&
            'ContainerSpec' in s.Spec.TaskTemplate &&
            s.Spec.TaskTemplate.ContainerSpec?.HealthCheck !== undefined
        )
        return {
          id: t.ID,
          name: `${s.Spec?.Name ?? name}.${t.Slot ?? 0}`,
          service: name,
          number: t.Slot ?? 0,
          configHash: null,
          composeVersion: null,
          imageLabel: null,
          image: t.Spec?.ContainerSpec?.Image ?? '',
          state,
          health,
          ports: []
        }
      })
    })
  }

  tailLogs(sources: LogSource[], tail: number): Promise<LogLine[]> {
    return this.swarm.tailLogs(sources, tail)
  }

  followLogs(
    source: LogSource,
    sinceSeconds: number,
    onLine: (line: LogLine) => void,
    onEnd: (reason: string) => void
  ): Promise<() => void> {
    return this.swarm.followLogs(source, sinceSeconds, onLine, onEnd)
  }

  containerStats(source: LogSource): Promise<ContainerStats> {
    return this.swarm.taskStats(source)
  }

  followStats(
    source: LogSource,
    onReading: (reading: ContainerStats) => void,
    onEnd: (reason: string) => void
  ): Promise<() => void> {
    return this.swarm.followTaskStats(source, onReading, onEnd)
  }

  /** The manager's engine: the host line describes the machine the panel talks to. */
  host(): ReturnType<DockerEngine['host']> {
    return this.engine.host()
  }
}
