/**
 * Brings one service to N containers: keeps the lowest numbers, stops and removes the
 * highest ones gracefully, starts stopped ones, recreates stale ones (config changed, as
 * the Compose that made them judges it: config-match.ts) when asked, and creates the missing ones with the next container numbers.
 */
import type Docker from 'dockerode'
import type { ComposeProject, ServiceSpec } from './compose-model'
import { containerName } from './compose-labels'
import { expectedConfig, isCurrent, writeFlavour } from './config-match'
import { createContainer, removeContainer, startContainer, stopGracefully } from './container-ops'
import { listProjectContainers } from './project-containers'
import { portErrorFromEngine } from './port-check'
import type { ProjectContainer } from './project-containers'
import type { ProgressSink } from './stack-error'

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
  docker: Docker,
  project: ComposeProject,
  service: ServiceSpec,
  imageId: string | null,
  target: number,
  options: ConvergeOptions
): Promise<ConvergeResult> {
  const { report } = options
  const existing = await listProjectContainers(docker, project.project, service.name)
  const expected = expectedConfig(project, service, imageId)
  const flavour = writeFlavour(project, existing)
  const identity = { flavour, configHash: expected.hash(flavour), imageId }
  const keep = existing.slice(0, target)
  const extra = existing.slice(target).reverse()
  const summary: string[] = []
  const step = (stepName: string, c: string, state: 'started' | 'done', message: string): void =>
    report({ step: stepName, service: service.name, container: c, state, message })

  // Highest numbers first; all at once, each with the service's grace period.
  await Promise.all(
    extra.map(async (c) => {
      step('stop', c.name, 'started', `Stopping ${c.name} (grace ${service.stopGraceSeconds} s)`)
      await stopGracefully(docker, c.id, service.stopGraceSeconds)
      await removeContainer(docker, c.id)
      step('remove', c.name, 'done', `Removed ${c.name}`)
      summary.push(`removed ${c.name}`)
    })
  )

  const ids = await Promise.all(
    keep.map(async (c): Promise<string> => {
      if (options.recreateStale && !isCurrent(c, expected)) return recreate(c)
      if (c.state !== 'running') {
        step('start', c.name, 'started', `Starting ${c.name}`)
        await startContainer(docker, c.id).catch(async (err: unknown) => {
          throw await portErrorFromEngine(docker, project, service.name, err)
        })
        step('start', c.name, 'done', `Started ${c.name}`)
        summary.push(`started ${c.name}`)
      }
      return c.id
    })
  )

  async function recreate(c: ProjectContainer): Promise<string> {
    step('recreate', c.name, 'started', `Recreating ${c.name}: its configuration changed`)
    await stopGracefully(docker, c.id, service.stopGraceSeconds)
    await removeContainer(docker, c.id)
    const created = await createContainer(docker, project, service, c.number, identity)
    await startCreated(created.id)
    step('recreate', c.name, 'done', `Recreated ${c.name}`)
    summary.push(`recreated ${c.name}`)
    return created.id
  }

  /** Starts a container just created; one whose port is taken is removed again, not left behind half-made. */
  async function startCreated(id: string): Promise<void> {
    try {
      await startContainer(docker, id)
    } catch (err) {
      const mapped = await portErrorFromEngine(docker, project, service.name, err)
      if (mapped !== err) await removeContainer(docker, id)
      throw mapped
    }
  }

  const missing = target - keep.length
  let next = Math.max(0, ...keep.map((c) => c.number)) + 1
  const numbers = Array.from({ length: Math.max(0, missing) }, () => next++)
  const created = await Promise.all(
    numbers.map(async (number): Promise<string> => {
      const name = containerName(flavour, project.project, service.name, number)
      step('create', name, 'started', `Creating ${name}`)
      const container = await createContainer(docker, project, service, number, identity)
      await startCreated(container.id)
      step('create', name, 'done', `Started ${name}`)
      summary.push(`created ${name}`)
      return container.id
    })
  )
  return { ids: [...ids, ...created], summary }
}
