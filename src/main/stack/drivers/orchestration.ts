/**
 * The orchestration both drivers share: one operation at a time, the file loaded afresh for
 * each (tolerantly for down, so a broken file never keeps a stack from being taken down), the
 * named services plus their dependencies, the host-access gate before anything is created, and
 * a dependency walk in which a failed branch fails the operation only once every other branch
 * has settled. A driver supplies the steps that touch its engine.
 */
import type { ComposeProject, DependencyCondition, ServiceSpec } from '../compose-model'
import { StackError } from '../stack-error'
import type { ProgressSink } from '../stack-error'
import type { StackOperations, UpOptions } from './stack-driver'

export interface OrchestrationOptions {
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

export abstract class Orchestration implements StackOperations {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(protected readonly base: OrchestrationOptions) {}

  /** Throws unless the engine can take the driver's calls (connected; on a swarm, a manager). */
  protected abstract requireEngine(): Promise<void>
  /** Brings up the selected services (dependencies included, already admitted); its summary. */
  protected abstract bringUp(project: ComposeProject, selected: string[], report: ProgressSink): Promise<string[]>
  /** Takes down everything of the stack `name`; `project` is null when the file does not load. */
  protected abstract takeDown(
    project: ComposeProject | null,
    name: string,
    options: { removeVolumes: boolean },
    report: ProgressSink
  ): Promise<string[]>
  abstract scale(serviceName: string, replicas: number, report: ProgressSink): Promise<string[]>
  abstract startService(serviceName: string, report: ProgressSink): Promise<string[]>
  abstract stopService(serviceName: string, report: ProgressSink): Promise<string[]>
  abstract restartService(serviceName: string, report: ProgressSink): Promise<string[]>

  protected get upTimeoutMs(): number {
    return this.base.upTimeoutMs ?? 180_000
  }

  up(services: string[] | undefined, report: ProgressSink, options: UpOptions = {}): Promise<string[]> {
    return this.serialize(async () => {
      const project = this.base.loadProject()
      const selected = withDependencies(project, services ?? [...project.services.keys()])
      this.base.admit?.(project, selected, options.allowHostAccess)
      await this.requireEngine()
      return this.bringUp(project, selected, report)
    })
  }

  down(options: { removeVolumes: boolean }, report: ProgressSink): Promise<string[]> {
    return this.serialize(async () => {
      let project: ComposeProject | null = null
      try {
        project = this.base.loadProject()
      } catch {
        // A broken compose file must not keep a stack from being taken down.
      }
      await this.requireEngine()
      return this.takeDown(project, project?.project ?? this.base.projectName, options, report)
    })
  }

  /** The gate for a service that is about to get replicas (with its dependencies). */
  protected admitService(project: ComposeProject, serviceName: string): void {
    this.base.admit?.(project, withDependencies(project, [serviceName]), undefined)
  }

  /**
   * One queued operation on one service: the file loaded, the service looked up, the gate
   * asked when `admit` (it is getting replicas), then the engine.
   */
  protected onService<T>(
    serviceName: string,
    work: (project: ComposeProject, spec: ServiceSpec) => Promise<T>,
    admit = false
  ): Promise<T> {
    return this.serialize(async () => {
      const project = this.base.loadProject()
      const spec = serviceSpec(project, serviceName)
      if (admit) this.admitService(project, serviceName)
      await this.requireEngine()
      return work(project, spec)
    })
  }

  protected serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work)
    this.queue = run.catch(() => undefined)
    return run
  }
}

/** How a driver brings one service up and waits for one of its dependencies, for walkDependencies. */
export interface DependencySteps<T> {
  /** Creates (or updates) the service's replicas once its dependencies are ready; what its dependents wait on. */
  bring(serviceName: string, spec: ServiceSpec): Promise<T>
  /** Waits until dependency `dep`, brought as `brought`, meets `condition` for `serviceName`. */
  await(serviceName: string, dep: string, condition: DependencyCondition, brought: T): Promise<void>
}

/**
 * Brings up each selected service once, after what it depends on (the walk is memoized: a
 * service two others depend on is brought once). Independent branches run in parallel; when one
 * fails, the walk still waits for the others, so nothing is created after it has failed.
 */
export async function walkDependencies<T>(
  project: ComposeProject,
  selected: string[],
  steps: DependencySteps<T>
): Promise<{ serviceName: string; brought: T }[]> {
  const started = new Map<string, Promise<T>>()
  const bring = (serviceName: string): Promise<T> => {
    let promise = started.get(serviceName)
    if (promise === undefined) {
      const spec = serviceSpec(project, serviceName)
      promise = (async () => {
        await settleAll(
          Object.entries(spec.dependsOn).map(async ([dep, condition]) =>
            steps.await(serviceName, dep, condition, await bring(dep))
          )
        )
        return steps.bring(serviceName, spec)
      })()
      started.set(serviceName, promise)
    }
    return promise
  }
  return settleAll(selected.map(async (serviceName) => ({ serviceName, brought: await bring(serviceName) })))
}

/**
 * Promise.all that waits for every branch before failing: a failed `up` must not leave
 * branches still creating containers while the next queued operation (a `down`) runs.
 */
export async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed !== undefined) throw failed.reason
  return results.map((r) => (r as PromiseFulfilledResult<T>).value)
}

/** The file's spec of one service; UnknownService (listing the file's services) when it has none. */
export function serviceSpec(project: ComposeProject, serviceName: string): ServiceSpec {
  const spec = project.services.get(serviceName)
  if (spec === undefined) {
    throw new StackError(
      'UnknownService',
      `No service "${serviceName}" in ${project.file}`,
      `Services: ${[...project.services.keys()].join(', ')}`
    )
  }
  return spec
}

/** The named services plus everything they depend on, each once. */
export function withDependencies(project: ComposeProject, names: string[]): string[] {
  const out = new Set<string>()
  const visit = (serviceName: string): void => {
    if (out.has(serviceName)) return
    for (const dep of Object.keys(serviceSpec(project, serviceName).dependsOn)) visit(dep)
    out.add(serviceName)
  }
  names.forEach(visit)
  return [...out]
}

/** Services grouped so that each group depends only on later groups (dependents first). */
export function stopLevels(project: ComposeProject): string[][] {
  const depth = new Map<string, number>()
  const depthOf = (serviceName: string): number => {
    const known = depth.get(serviceName)
    if (known !== undefined) return known
    const deps = Object.keys(project.services.get(serviceName)?.dependsOn ?? {})
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depthOf))
    depth.set(serviceName, d)
    return d
  }
  for (const serviceName of project.services.keys()) depthOf(serviceName)
  const max = Math.max(0, ...depth.values())
  return Array.from({ length: max + 1 }, (_, i) => [...depth].filter(([, d]) => d === max - i).map(([n]) => n))
}
