/**
 * Brings one service to N containers: keeps the lowest numbers, stops and removes the
 * highest ones gracefully, starts stopped ones, recreates stale ones (config changed, as
 * the Compose that made them judges it: config-match.ts) when asked, and creates the missing ones with the next container numbers.
 */
import type { ComposeProject, ServiceSpec } from './compose-model'
import { containerName } from './compose-labels'
import type { ContainerRuntime } from './container-runtime'
import { expectedConfig, isCurrent, writeFlavour } from './config-match'
import type { ProjectContainer } from './project-containers'
import type { ProgressStep } from '../../shared/contract'
import type { ProgressSink } from './stack-error'
import { StackError } from './stack-error'

export interface ConvergeOptions {
  /** Recreate containers whose config hash differs from the file's (up does; scale does not). */
  recreateStale: boolean
  report: ProgressSink
}

export interface ConvergeResult {
  /** Container ids now belonging to the service, lowest number first. */
  ids: string[]
  summary: string[]
}

export async function convergeService(
  runtime: ContainerRuntime,
  project: ComposeProject,
  spec: ServiceSpec,
  imageId: string | null,
  target: number,
  options: ConvergeOptions
): Promise<ConvergeResult> {
  const { report } = options
  const existing = await runtime.listContainers(project.project, spec.name)
  const expected = expectedConfig(project, spec, imageId)
  const flavour = writeFlavour(project, existing)
  const identity = { flavour, configHash: expected.hash(flavour), imageId }
  // A start that fails on a taken host port says which service, port and holder (port-check.ts).
  const owner = { project, service: spec.name }
  const keep = existing.slice(0, target)
  const extra = existing.slice(target).reverse()
  const summary: string[] = []
  const step = (stepName: ProgressStep, c: string, state: 'started' | 'done', message: string): void =>
    report({ step: stepName, service: spec.name, container: c, state, message })

  // Highest numbers first; all at once, each with the service's grace period.
  summary.push(...(await removeGracefully(runtime, spec, extra, report)))

  const ids = await Promise.all(
    keep.map(async (c): Promise<string> => {
      if (options.recreateStale && !isCurrent(c, expected)) return recreate(c)
      if (c.state !== 'running') {
        step('start', c.name, 'started', `Starting ${c.name}`)
        await runtime.startContainer(c.id, owner)
        step('start', c.name, 'done', `Started ${c.name}`)
        summary.push(`started ${c.name}`)
      }
      return c.id
    })
  )

  async function recreate(c: ProjectContainer): Promise<string> {
    step('recreate', c.name, 'started', `Recreating ${c.name}: its configuration changed`)
    await runtime.stopContainer(c.id, spec.stopGraceSeconds)
    await runtime.removeContainer(c.id)
    const createdId = await runtime.createContainer(project, spec, c.number, identity)
    await startCreated(createdId)
    step('recreate', c.name, 'done', `Recreated ${c.name}`)
    summary.push(`recreated ${c.name}`)
    return createdId
  }

  /** Starts a container just created; one whose port is taken is removed again, not left behind half-made. */
  async function startCreated(id: string): Promise<void> {
    try {
      await runtime.startContainer(id, owner)
    } catch (err) {
      if (err instanceof StackError && err.kind === 'PortInUse') await runtime.removeContainer(id)
      throw err
    }
  }

  const missing = target - keep.length
  let next = Math.max(0, ...keep.map((c) => c.number)) + 1
  const numbers = Array.from({ length: Math.max(0, missing) }, () => next++)
  const created = await Promise.all(
    numbers.map(async (number): Promise<string> => {
      const name = containerName(flavour, project.project, spec.name, number)
      step('create', name, 'started', `Creating ${name}`)
      const id = await runtime.createContainer(project, spec, number, identity)
      await startCreated(id)
      step('create', name, 'done', `Started ${name}`)
      summary.push(`created ${name}`)
      return id
    })
  )
  return { ids: [...ids, ...created], summary }
}

/** Stops (SIGTERM, then the service's grace period) and removes these containers, all at once; one summary line each. */
export async function removeGracefully(
  runtime: ContainerRuntime,
  spec: ServiceSpec,
  containers: ProjectContainer[],
  report: ProgressSink
): Promise<string[]> {
  return Promise.all(
    containers.map(async (c) => {
      report({
        step: 'stop',
        service: spec.name,
        container: c.name,
        state: 'started',
        message: `Stopping ${c.name} (grace ${spec.stopGraceSeconds} s)`
      })
      await runtime.stopContainer(c.id, spec.stopGraceSeconds)
      await runtime.removeContainer(c.id)
      report({ step: 'remove', service: spec.name, container: c.name, state: 'done', message: `Removed ${c.name}` })
      return `removed ${c.name}`
    })
  )
}
