/**
 * The compose driver's operations over the Engine API: containers on one engine, named and
 * labelled as Compose does. The queue, the file loads, the gate and the dependency walk are
 * the shared skeleton's (orchestration.ts); this file converges containers.
 */
import type { ComposeProject, ServiceSpec } from '../../compose-model'
import type { ContainerRuntime } from '../../container-runtime'
import { convergeService, removeGracefully } from '../../service-converger'
import type { ProjectContainer } from '../../project-containers'
import { StackError } from '../../stack-error'
import type { ProgressSink } from '../../stack-error'
import type { ProgressStep } from '../../../../shared/contract'
import { Orchestration, serviceSpec, settleAll, stopLevels, walkDependencies } from '../orchestration'
import type { OrchestrationOptions } from '../orchestration'

export interface ComposeOrchestratorOptions extends OrchestrationOptions {
  runtime: ContainerRuntime
}

export class ComposeOrchestrator extends Orchestration {
  /** Replica counts set by scale (and up) in this session; otherwise what runs, else the file. */
  private readonly desired = new Map<string, number>()
  private readonly runtime: ContainerRuntime

  constructor(options: ComposeOrchestratorOptions) {
    super(options)
    this.runtime = options.runtime
  }

  /** What status shows as desired: a count set here, else the adopted count, else the file's. */
  desiredReplicas(spec: ServiceSpec, existing: number): number {
    return this.desired.get(spec.name) ?? (existing > 0 ? existing : spec.replicas)
  }

  protected requireEngine(): Promise<void> {
    return this.runtime.requireConnected()
  }

  protected async bringUp(project: ComposeProject, selected: string[], report: ProgressSink): Promise<string[]> {
    const summary: string[] = []
    // Images first: if one cannot be had, nothing else has been touched.
    const imageIds = new Map<string, string>()
    for (const serviceName of selected) {
      const spec = serviceSpec(project, serviceName)
      report({ step: 'image', service: serviceName, container: null, state: 'started', message: `Image ${spec.image}` })
      const id = await this.runtime.ensureImage(spec, (p) =>
        report({
          step: p.step,
          service: serviceName,
          container: null,
          state: 'progress',
          message: p.message,
          current: p.current,
          total: p.total
        })
      )
      imageIds.set(serviceName, id)
      report({
        step: 'image',
        service: serviceName,
        container: null,
        state: 'done',
        message: `Image ${spec.image} ready`
      })
    }
    // A taken host port stops up here too, before any network or container exists.
    await this.runtime.assertPortsFree(project, selected)
    await this.runtime.ensureResources(project, report)

    const all = await walkDependencies(project, selected, {
      await: async (serviceName, dep, condition, ids: string[]) => {
        report({
          step: 'wait',
          service: serviceName,
          container: null,
          state: 'started',
          message: `${serviceName} waits for ${dep} (${condition.replace('service_', '')})`
        })
        await settleAll(ids.map((id, i) => this.runtime.waitFor(id, `${dep} #${i + 1}`, condition, this.upTimeoutMs)))
      },
      bring: async (serviceName, spec) => {
        const target = this.desired.get(serviceName) ?? spec.replicas
        const result = await convergeService(this.runtime, project, spec, imageIds.get(serviceName) ?? null, target, {
          recreateStale: true,
          report
        })
        this.desired.set(serviceName, target)
        summary.push(...result.summary)
        return result.ids
      }
    })

    // Done means running and, where there is a healthcheck, healthy — except for one-shot
    // services (a dependency `service_completed_successfully`), which are done when they exit 0.
    const oneShot = new Set(
      selected.flatMap((serviceName) =>
        Object.entries(serviceSpec(project, serviceName).dependsOn)
          .filter(([, condition]) => condition === 'service_completed_successfully')
          .map(([dep]) => dep)
      )
    )
    await settleAll(
      all.flatMap(({ serviceName, brought: ids }) =>
        ids.map(async (id, i) => {
          const condition = oneShot.has(serviceName) ? 'service_completed_successfully' : 'service_healthy'
          await this.runtime.waitFor(id, `${serviceName} #${i + 1}`, condition, this.upTimeoutMs)
          const message = oneShot.has(serviceName)
            ? `${serviceName} #${i + 1} completed`
            : `${serviceName} #${i + 1} is up`
          report({ step: 'healthy', service: serviceName, container: id.slice(0, 12), state: 'done', message })
        })
      )
    )
    if (summary.length === 0) summary.push('everything was already up')
    return summary
  }

  protected async takeDown(
    project: ComposeProject | null,
    name: string,
    options: { removeVolumes: boolean },
    report: ProgressSink
  ): Promise<string[]> {
    const containers = await this.runtime.listContainers(name)
    const summary: string[] = []
    // Dependents stop before what they depend on; containers of services the file no longer has go first.
    const levels = project === null ? [] : stopLevels(project)
    const known = new Set(levels.flat())
    const groups = [
      containers.filter((c) => !known.has(c.service)),
      ...levels.map((l) => containers.filter((c) => l.includes(c.service)))
    ]
    for (const group of groups) {
      await settleAll(
        group.map(async (c) => {
          report({
            step: 'stop',
            service: c.service,
            container: c.name,
            state: 'started',
            message: `Stopping ${c.name}`
          })
          await this.runtime.stopContainer(c.id, project?.services.get(c.service)?.stopGraceSeconds ?? 10)
          await this.runtime.removeContainer(c.id)
          report({ step: 'remove', service: c.service, container: c.name, state: 'done', message: `Removed ${c.name}` })
          summary.push(`removed ${c.name}`)
        })
      )
    }
    summary.push(...(await this.runtime.removeResources(project ?? name, options, report)))
    this.desired.clear()
    return summary
  }

  scale(serviceName: string, replicas: number, report: ProgressSink): Promise<string[]> {
    return this.onService(serviceName, (project, spec) => this.converge(project, spec, replicas, report), replicas > 0)
  }

  /**
   * Scales down by stopping these containers (the autoscaler picks the idle ones), not the
   * highest numbers; ids that are not the service's are an error, and nothing is stopped then.
   */
  removeReplicas(serviceName: string, containerIds: string[], report: ProgressSink): Promise<string[]> {
    return this.onService(serviceName, async (project, spec) => {
      const containers = await this.containersOf(project, serviceName)
      const chosen = containerIds.map((id) =>
        containers.find((c) => c.id === id || c.id.startsWith(id) || c.name === id)
      )
      const unknown = containerIds.filter((_, i) => chosen[i] === undefined)
      if (unknown.length > 0) {
        throw new StackError(
          'ContainerNotFound',
          `No container ${unknown.join(', ')} of ${serviceName}`,
          'It may have been removed meanwhile: read the status again.'
        )
      }
      const stopping = [...new Set(chosen as ProjectContainer[])]
      const summary = await removeGracefully(this.runtime, spec, stopping, report)
      this.desired.set(serviceName, containers.filter((c) => c.state === 'running' && !stopping.includes(c)).length)
      return summary
    })
  }

  /** Starts a service's containers; one with none gets the replicas it should have, like scale. */
  startService(serviceName: string, report: ProgressSink): Promise<string[]> {
    return this.onService(serviceName, async (project, spec) => {
      const containers = await this.containersOf(project, serviceName)
      if (containers.length === 0) {
        this.admitService(project, serviceName)
        return this.converge(project, spec, this.desired.get(serviceName) || spec.replicas || 1, report)
      }
      return eachContainer(containers, serviceName, report, CONTAINER_ACTIONS.start, (c) =>
        this.runtime.startContainer(c.id)
      )
    })
  }

  stopService(serviceName: string, report: ProgressSink): Promise<string[]> {
    return this.onService(serviceName, async (project, spec) =>
      eachContainer(await this.containersOf(project, serviceName), serviceName, report, CONTAINER_ACTIONS.stop, (c) =>
        this.runtime.stopContainer(c.id, spec.stopGraceSeconds)
      )
    )
  }

  restartService(serviceName: string, report: ProgressSink): Promise<string[]> {
    return this.onService(serviceName, async (project, spec) =>
      eachContainer(
        await this.containersOf(project, serviceName),
        serviceName,
        report,
        CONTAINER_ACTIONS.restart,
        (c) => this.runtime.restartContainer(c.id, spec.stopGraceSeconds)
      )
    )
  }

  /** Adds containers with the next numbers, or stops the highest numbers; never recreates. */
  private async converge(
    project: ComposeProject,
    spec: ServiceSpec,
    replicas: number,
    report: ProgressSink
  ): Promise<string[]> {
    const id = await this.runtime.imageId(spec.image)
    if (id === null && replicas > 0) {
      throw new StackError(
        'ImageUnavailable',
        `Image ${spec.image} of ${spec.name} is not on this machine`,
        'Run up first: it builds or pulls missing images.'
      )
    }
    await this.runtime.ensureResources(project, report)
    const result = await convergeService(this.runtime, project, spec, id, replicas, { recreateStale: false, report })
    this.desired.set(spec.name, replicas)
    return result.summary.length > 0 ? result.summary : [`${spec.name} already has ${replicas}`]
  }

  private containersOf(project: ComposeProject, serviceName: string): Promise<ProjectContainer[]> {
    return this.runtime.listContainers(project.project, serviceName)
  }
}

/** How start/stop/restart of one container is reported: its step and the words for it. */
interface ContainerAction {
  step: ProgressStep
  doing: string
  done: string
}

const CONTAINER_ACTIONS = {
  start: { step: 'start', doing: 'Starting', done: 'Started' },
  stop: { step: 'stop', doing: 'Stopping', done: 'Stopped' },
  restart: { step: 'restart', doing: 'Restarting', done: 'Restarted' }
} as const satisfies Record<string, ContainerAction>

/** Runs one action on every container of a service in parallel, reporting each step. */
async function eachContainer<C extends { id: string; name: string }>(
  containers: C[],
  serviceName: string,
  report: ProgressSink,
  { step, doing, done }: ContainerAction,
  action: (container: C) => Promise<unknown>
): Promise<string[]> {
  await settleAll(
    containers.map(async (c) => {
      report({ step, service: serviceName, container: c.name, state: 'started', message: `${doing} ${c.name}` })
      await action(c)
      report({ step, service: serviceName, container: c.name, state: 'done', message: `${done} ${c.name}` })
    })
  )
  return containers.map((c) => `${done.toLowerCase()} ${c.name}`)
}
