/**
 * up / down / scale / start / stop / restart over the Engine API. Operations on one stack
 * run one at a time (queued), because two of them converging the same service at once
 * would race on container numbers.
 */
import type { ComposeProject, ServiceSpec } from './compose-model'
import type { ContainerRuntime } from './container-runtime'
import { convergeService, removeGracefully } from './service-converger'
import type { ProjectContainer } from './project-containers'
import { StackError } from './stack-error'
import type { ProgressSink } from './stack-error'
import type { ProgressStep } from '../../shared/contract'

export interface StackOrchestratorOptions {
  runtime: ContainerRuntime
  /** Reads compose.yaml afresh (throws ComposeFileError); called at the start of each operation. */
  loadProject: () => ComposeProject
  /** Project name to use when the file cannot be loaded (down still works then). */
  projectName: string
  /** How long up waits for one service's dependencies. Default 180 s. */
  upTimeoutMs?: number
  /**
   * Called before anything that creates containers, with the services it would create;
   * throws to refuse (host-access-gate.ts: a file that reaches the host, not accepted).
   */
  admit?: (project: ComposeProject, services: string[], allowHostAccess: string | undefined) => void
}

export interface UpOptions {
  /** The fileHash of the pre-flight the user accepted. */
  allowHostAccess?: string
}

export class StackOrchestrator {
  /** Replica counts set by scale (and up) in this session; otherwise what runs, else the file. */
  private readonly desired = new Map<string, number>()
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: StackOrchestratorOptions) {}

  private get runtime(): ContainerRuntime {
    return this.options.runtime
  }

  /** What status shows as desired: a count set here, else the adopted count, else the file's. */
  desiredReplicas(service: ServiceSpec, existing: number): number {
    return this.desired.get(service.name) ?? (existing > 0 ? existing : service.replicas)
  }

  up(services: string[] | undefined, report: ProgressSink, options: UpOptions = {}): Promise<string[]> {
    return this.serialize(async () => {
      const project = this.options.loadProject()
      const selected = withDependencies(project, services ?? [...project.services.keys()])
      this.options.admit?.(project, selected, options.allowHostAccess)
      await this.runtime.requireConnected()
      const summary: string[] = []

      // Images first: if one cannot be had, nothing else has been touched.
      const imageIds = new Map<string, string>()
      for (const name of selected) {
        const svc = service(project, name)
        report({ step: 'image', service: name, container: null, state: 'started', message: `Image ${svc.image}` })
        const id = await this.runtime.ensureImage(svc, (p) =>
          report({ step: p.step, service: name, container: null, state: 'progress', message: p.message, current: p.current, total: p.total })
        )
        imageIds.set(name, id)
        report({ step: 'image', service: name, container: null, state: 'done', message: `Image ${svc.image} ready` })
      }
      // A taken host port stops up here too, before any network or container exists.
      await this.runtime.assertPortsFree(project, selected)
      await this.runtime.ensureResources(project, report)

      const timeoutMs = this.options.upTimeoutMs ?? 180_000
      const started = new Map<string, Promise<string[]>>()
      const bring = (name: string): Promise<string[]> => {
        let promise = started.get(name)
        if (promise === undefined) {
          const svc = service(project, name)
          promise = (async () => {
            await settleAll(
              Object.entries(svc.dependsOn).map(async ([dep, condition]) => {
                const ids = await bring(dep)
                report({ step: 'wait', service: name, container: null, state: 'started', message: `${name} waits for ${dep} (${condition.replace('service_', '')})` })
                await settleAll(ids.map((id, i) => this.runtime.waitFor(id, `${dep} #${i + 1}`, condition, timeoutMs)))
              })
            )
            const target = this.desired.get(name) ?? svc.replicas
            const result = await convergeService(this.runtime, project, svc, imageIds.get(name) ?? null, target, { recreateStale: true, report })
            this.desired.set(name, target)
            summary.push(...result.summary)
            return result.ids
          })()
          started.set(name, promise)
        }
        return promise
      }
      const all = await settleAll(selected.map(async (name) => ({ name, ids: await bring(name) })))

      // Done means running and, where there is a healthcheck, healthy — except for one-shot
      // services (a dependency `service_completed_successfully`), which are done when they exit 0.
      const oneShot = new Set(
        selected.flatMap((name) =>
          Object.entries(service(project, name).dependsOn)
            .filter(([, condition]) => condition === 'service_completed_successfully')
            .map(([dep]) => dep)
        )
      )
      await settleAll(
        all.flatMap(({ name, ids }) =>
          ids.map(async (id, i) => {
            const condition = oneShot.has(name) ? 'service_completed_successfully' : 'service_healthy'
            await this.runtime.waitFor(id, `${name} #${i + 1}`, condition, timeoutMs)
            const message = oneShot.has(name) ? `${name} #${i + 1} completed` : `${name} #${i + 1} is up`
            report({ step: 'healthy', service: name, container: id.slice(0, 12), state: 'done', message })
          })
        )
      )
      if (summary.length === 0) summary.push('everything was already up')
      return summary
    })
  }

  down(options: { removeVolumes: boolean }, report: ProgressSink): Promise<string[]> {
    return this.serialize(async () => {
      let project: ComposeProject | null = null
      try {
        project = this.options.loadProject()
      } catch {
        // A broken compose file must not keep a stack from being taken down.
      }
      await this.runtime.requireConnected()
      const name = project?.project ?? this.options.projectName
      const containers = await this.runtime.listContainers(name)
      const summary: string[] = []
      // Dependents stop before what they depend on; containers of services the file no longer has go first.
      const levels = project === null ? [] : stopLevels(project)
      const known = new Set(levels.flat())
      const groups = [containers.filter((c) => !known.has(c.service)), ...levels.map((l) => containers.filter((c) => l.includes(c.service)))]
      for (const group of groups) {
        await Promise.all(
          group.map(async (c) => {
            report({ step: 'stop', service: c.service, container: c.name, state: 'started', message: `Stopping ${c.name}` })
            await this.runtime.stopContainer(c.id, project?.services.get(c.service)?.stopGraceSeconds ?? 10)
            await this.runtime.removeContainer(c.id)
            report({ step: 'remove', service: c.service, container: c.name, state: 'done', message: `Removed ${c.name}` })
            summary.push(`removed ${c.name}`)
          })
        )
      }
      summary.push(...(await this.runtime.removeResources(name, options, report)))
      this.desired.clear()
      return summary
    })
  }

  scale(serviceName: string, replicas: number, report: ProgressSink): Promise<string[]> {
    return this.serialize(() => this.converge(serviceName, replicas, report))
  }

  /**
   * Scales down by stopping these containers (the autoscaler picks the idle ones), not the
   * highest numbers; ids that are not the service's are an error, and nothing is stopped then.
   */
  removeReplicas(serviceName: string, containerIds: string[], report: ProgressSink): Promise<string[]> {
    return this.serialize(async () => {
      const { svc, containers } = await this.serviceContainers(serviceName)
      const chosen = containerIds.map((id) => containers.find((c) => c.id === id || c.id.startsWith(id) || c.name === id))
      const unknown = containerIds.filter((_, i) => chosen[i] === undefined)
      if (unknown.length > 0) {
        throw new StackError('ContainerNotFound', `No container ${unknown.join(', ')} of ${serviceName}`, 'It may have been removed meanwhile: read the status again.')
      }
      const stopping = [...new Set(chosen as ProjectContainer[])]
      const summary = await removeGracefully(this.runtime, svc, stopping, report)
      this.desired.set(serviceName, containers.filter((c) => c.state === 'running' && !stopping.includes(c)).length)
      return summary
    })
  }

  /** Starts a service's containers; one with none gets the replicas it should have, like scale. */
  startService(serviceName: string, report: ProgressSink): Promise<string[]> {
    return this.serialize(async () => {
      const { svc, containers } = await this.serviceContainers(serviceName)
      if (containers.length === 0) return this.converge(serviceName, this.desired.get(serviceName) || svc.replicas || 1, report)
      return eachContainer(containers, serviceName, report, CONTAINER_ACTIONS.start, (c) => this.runtime.startContainer(c.id))
    })
  }

  stopService(serviceName: string, report: ProgressSink): Promise<string[]> {
    return this.serialize(async () => {
      const { svc, containers } = await this.serviceContainers(serviceName)
      return eachContainer(containers, serviceName, report, CONTAINER_ACTIONS.stop, (c) => this.runtime.stopContainer(c.id, svc.stopGraceSeconds))
    })
  }

  restartService(serviceName: string, report: ProgressSink): Promise<string[]> {
    return this.serialize(async () => {
      const { svc, containers } = await this.serviceContainers(serviceName)
      return eachContainer(containers, serviceName, report, CONTAINER_ACTIONS.restart, (c) => this.runtime.restartContainer(c.id, svc.stopGraceSeconds))
    })
  }

  /** Adds containers with the next numbers, or stops the highest numbers; never recreates. */
  private async converge(serviceName: string, replicas: number, report: ProgressSink): Promise<string[]> {
    const project = this.options.loadProject()
    const svc = service(project, serviceName)
    if (replicas > 0) this.options.admit?.(project, withDependencies(project, [serviceName]), undefined)
    await this.runtime.requireConnected()
    const id = await this.runtime.imageId(svc.image)
    if (id === null && replicas > 0) {
      throw new StackError('ImageUnavailable', `Image ${svc.image} of ${serviceName} is not on this machine`, 'Run up first: it builds or pulls missing images.')
    }
    await this.runtime.ensureResources(project, report)
    const result = await convergeService(this.runtime, project, svc, id, replicas, { recreateStale: false, report })
    this.desired.set(serviceName, replicas)
    return result.summary.length > 0 ? result.summary : [`${serviceName} already has ${replicas}`]
  }

  /** The file's view of one service and the engine's containers of it (start/stop/restart). */
  private async serviceContainers(serviceName: string): Promise<{ project: ComposeProject; svc: ServiceSpec; containers: ProjectContainer[] }> {
    const project = this.options.loadProject()
    const svc = service(project, serviceName)
    await this.runtime.requireConnected()
    return { project, svc, containers: await this.runtime.listContainers(project.project, serviceName) }
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work)
    this.queue = run.catch(() => undefined)
    return run
  }
}

/**
 * Promise.all that waits for every branch before failing: a failed `up` must not leave
 * branches still creating containers while the next queued operation (a `down`) runs.
 */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed !== undefined) throw failed.reason
  return results.map((r) => (r as PromiseFulfilledResult<T>).value)
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

function service(project: ComposeProject, name: string): ServiceSpec {
  const svc = project.services.get(name)
  if (svc === undefined) {
    throw new StackError('UnknownService', `No service "${name}" in ${project.file}`, `Services: ${[...project.services.keys()].join(', ')}`)
  }
  return svc
}

/** The named services plus everything they depend on, each once. */
export function withDependencies(project: ComposeProject, names: string[]): string[] {
  const out = new Set<string>()
  const visit = (name: string): void => {
    if (out.has(name)) return
    const svc = service(project, name)
    for (const dep of Object.keys(svc.dependsOn)) visit(dep)
    out.add(name)
  }
  names.forEach(visit)
  return [...out]
}

/** Services grouped so that each group depends only on later groups (dependents first). */
export function stopLevels(project: ComposeProject): string[][] {
  const depth = new Map<string, number>()
  const depthOf = (name: string): number => {
    const known = depth.get(name)
    if (known !== undefined) return known
    const deps = Object.keys(project.services.get(name)?.dependsOn ?? {})
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depthOf))
    depth.set(name, d)
    return d
  }
  for (const name of project.services.keys()) depthOf(name)
  const max = Math.max(0, ...depth.values())
  return Array.from({ length: max + 1 }, (_, i) => [...depth].filter(([, d]) => d === max - i).map(([n]) => n))
}
