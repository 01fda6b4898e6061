/**
 * up / down / scale / start / stop / restart of the compose file as a stack on a swarm, over
 * the service API: the swarm driver behind the same operations the compose driver has.
 * Images exist on every node through the stack's registry on the manager (swarm-registry.ts).
 * Swarm ignores depends_on, so up deploys in dependency order and waits for each
 * dependency's replicas to run (healthy, where there is a check) as Compose would. Scale is a
 * service update; stop is scale to 0 (the count before is kept on the service, for start).
 */
import { isDeepStrictEqual } from 'node:util'
import type Docker from 'dockerode'
import type { ComposeProject, ServiceSpec } from '../../compose-model'
import type { DockerEngine } from '../../docker-engine'
import { StackError } from '../../stack-error'
import type { ProgressSink } from '../../stack-error'
import { Orchestration, settleAll, stopLevels, walkDependencies } from '../orchestration'
import type { OrchestrationOptions } from '../orchestration'
import type { RollingUpdate } from '../stack-driver'
import type { SwarmEngine } from './swarm-engine'
import { overlayNetworkSpec, stackNetworkKeys, stackServiceName, swarmServiceSpec, updateConfig } from './swarm-spec'
import { relayRoutes } from './swarm-relay'
import { publicPorts } from './swarm-preflight'
import type { SwarmPublish } from './swarm-preflight'
import { currentTasks } from './swarm-status'
import { registryHost } from './swarm-registry'
import type { RegistryAddress } from './swarm-registry'

interface UpdateStatus {
  State?: string
  StartedAt?: string
  Message?: string
}

/** The service's last update as swarm reports it (dockerode's types lack it). */
const updateStatus = (service: Docker.Service): UpdateStatus | undefined =>
  (service as Docker.Service & { UpdateStatus?: UpdateStatus }).UpdateStatus

/** The replica count a stopped service had, so start brings that many back. */
const REPLICAS_BEFORE_STOP = 'io.scrapedeck.swarm.replicas-before-stop'

export interface SwarmOrchestratorOptions extends OrchestrationOptions {
  /** Images (built or pulled here) and the host's ports. */
  engine: Pick<DockerEngine, 'ensureImage' | 'imageId' | 'assertPortsFree'>
  swarm: SwarmEngine
  /** The image of the stack's registry (Debian's docker-registry, from the offline image builder). */
  registryImage: string
  /** Where the registry listens on the manager, and the nodes pull from. */
  registry: RegistryAddress
  /** The image the loopback relay runs (it needs node). */
  relayImage: string
  /** What becomes of a 127.0.0.1 port: kept on the manager's loopback (relay), or published by swarm on every interface. */
  publish: SwarmPublish
  /** How often replicas are counted while waiting. Default 500 ms. */
  pollMs?: number
}

export class SwarmOrchestrator extends Orchestration implements RollingUpdate {
  constructor(private readonly options: SwarmOrchestratorOptions) {
    super(options)
  }

  protected requireEngine(): Promise<void> {
    return this.options.swarm.requireManager()
  }

  protected async bringUp(project: ComposeProject, selected: string[], report: ProgressSink): Promise<string[]> {
    const { engine, swarm } = this.options
    const summary: string[] = []

    // Images first: each pinned by a digest every node can pull (the stack's registry's, for one that exists only here).
    const images = new Map<string, string>()
    for (const serviceName of selected)
      images.set(
        serviceName,
        await this.imageReference(project, project.services.get(serviceName) as ServiceSpec, report)
      )
    const routes = this.options.publish === 'loopback' ? relayRoutes(project, selected) : []
    if (routes.length > 0 && (await engine.imageId(this.options.relayImage)) === null) {
      throw new StackError(
        'ImageUnavailable',
        `The loopback relay's image ${this.options.relayImage} is not on this machine`,
        'Run `npm run stack:images` (it builds it), or set DECK_SWARM_RELAY_IMAGE to an image with node.'
      )
    }

    for (const key of stackNetworkKeys(project)) {
      const network = overlayNetworkSpec(project, key)
      if (await swarm.ensureNetwork(network)) {
        report({
          step: 'network',
          service: null,
          container: null,
          state: 'done',
          message: `Created overlay network ${network.Name}`
        })
        summary.push(`created network ${network.Name}`)
      }
    }
    // The relay is rebuilt for this file's routes; a port taken by someone else stops up here.
    await swarm.removeRelay(project.project)
    if (routes.length > 0) {
      await engine.assertPortsFree(project, [...new Set(routes.map((r) => r.service))])
      await swarm.startRelay(project, routes, this.options.relayImage)
      report({
        step: 'start',
        service: null,
        container: null,
        state: 'done',
        message: `Loopback relay: ${routes.map((r) => `${r.hostIp}:${r.published} → ${r.service}:${r.target}`).join(', ')}`
      })
    }

    const counts = await walkDependencies(project, selected, {
      await: async (serviceName, dep, _condition, replicas: number) => {
        report({
          step: 'wait',
          service: serviceName,
          container: null,
          state: 'started',
          message: `${serviceName} waits for ${dep} (${replicas} running)`
        })
        await this.waitRunning(project.project, dep, replicas, this.upTimeoutMs)
      },
      bring: async (serviceName, spec) => {
        const deployed = await swarm.service(project.project, serviceName)
        const replicas = deployed?.Spec?.Mode?.Replicated?.Replicas || spec.replicas
        const swarmSpec = swarmServiceSpec(project, spec, images.get(serviceName) as string, replicas, {
          public: publicPorts(spec, this.options.publish)
        })
        report({
          step: 'create',
          service: serviceName,
          container: null,
          state: 'started',
          message: `Deploying ${swarmSpec.Name} (${replicas})`
        })
        const how = await swarm.deployService(swarmSpec)
        summary.push(`${how} service ${swarmSpec.Name}`)
        return replicas
      }
    })
    await settleAll(
      counts.map(async ({ serviceName, brought: replicas }) => {
        await this.waitRunning(project.project, serviceName, replicas, this.upTimeoutMs)
        report({
          step: 'healthy',
          service: serviceName,
          container: null,
          state: 'done',
          message: `${serviceName}: ${replicas} running`
        })
      })
    )
    return summary
  }

  protected async takeDown(
    project: ComposeProject | null,
    stack: string,
    options: { removeVolumes: boolean },
    report: ProgressSink
  ): Promise<string[]> {
    const { swarm } = this.options
    const summary: string[] = []
    const deployed = await swarm.services(stack)
    const order =
      project === null
        ? []
        : stopLevels(project)
            .flat()
            .map((s) => stackServiceName(stack, s))
    deployed.sort((a, b) => order.indexOf(a.Spec?.Name ?? '') - order.indexOf(b.Spec?.Name ?? ''))
    for (const s of deployed) {
      report({
        step: 'remove',
        service: s.Spec?.Name ?? s.ID,
        container: null,
        state: 'started',
        message: `Removing service ${s.Spec?.Name}`
      })
      await swarm.removeService(s.ID)
      summary.push(`removed service ${s.Spec?.Name}`)
    }
    if (await swarm.removeRelay(stack)) summary.push('removed the loopback relay')
    // Tasks stop after their service is gone; networks, volumes and the images pushed to the
    // registry (the registry's names for them are dropped with it) are free once their containers are.
    await this.until(
      async () => (await swarm.taskContainers(stack)).length === 0,
      60_000,
      "the stack's containers to stop"
    )
    if (await swarm.removeRegistry(stack)) summary.push("removed the stack's registry")
    const resources = await swarm.removeResources(project ?? stack, options.removeVolumes)
    for (const line of resources)
      report({
        step: 'remove',
        service: null,
        container: null,
        state: line.startsWith('left') ? 'failed' : 'done',
        message: line
      })
    return [...summary, ...resources]
  }

  scale(serviceName: string, replicas: number, report: ProgressSink): Promise<string[]> {
    return this.onDeployed(
      serviceName,
      async (project, _spec, deployed) => {
        report({
          step: replicas > 0 ? 'start' : 'stop',
          service: serviceName,
          container: null,
          state: 'started',
          message: `Scaling ${serviceName} to ${replicas}`
        })
        await this.options.swarm.setReplicas(deployed.ID, replicas)
        await this.waitRunning(project.project, serviceName, replicas, this.upTimeoutMs)
        report({
          step: 'healthy',
          service: serviceName,
          container: null,
          state: 'done',
          message: `${serviceName}: ${replicas} running`
        })
        return [`scaled ${serviceName} to ${replicas}`]
      },
      replicas > 0
    )
  }

  startService(serviceName: string, report: ProgressSink): Promise<string[]> {
    return this.onDeployed(serviceName, async (project, spec, deployed) => {
      const before = Number(deployed.Spec?.Labels?.[REPLICAS_BEFORE_STOP] ?? 0)
      const current = deployed.Spec?.Mode?.Replicated?.Replicas ?? 0
      const target = current > 0 ? current : before > 0 ? before : spec.replicas || 1
      this.admitService(project, serviceName)
      report({
        step: 'start',
        service: serviceName,
        container: null,
        state: 'started',
        message: `Starting ${serviceName} (${target})`
      })
      await this.options.swarm.updateService(deployed.ID, (swarmSpec) => ({
        ...swarmSpec,
        Mode: { Replicated: { Replicas: target } }
      }))
      await this.waitRunning(project.project, serviceName, target, this.upTimeoutMs)
      report({ step: 'start', service: serviceName, container: null, state: 'done', message: `Started ${serviceName}` })
      return [`started ${serviceName} (${target})`]
    })
  }

  stopService(serviceName: string, report: ProgressSink): Promise<string[]> {
    return this.onDeployed(serviceName, async (project, _spec, deployed) => {
      const current = deployed.Spec?.Mode?.Replicated?.Replicas ?? 0
      report({
        step: 'stop',
        service: serviceName,
        container: null,
        state: 'started',
        message: `Stopping ${serviceName}`
      })
      await this.options.swarm.updateService(deployed.ID, (swarmSpec) => ({
        ...swarmSpec,
        Labels: { ...swarmSpec.Labels, ...(current > 0 ? { [REPLICAS_BEFORE_STOP]: String(current) } : {}) },
        Mode: { Replicated: { Replicas: 0 } }
      }))
      await this.waitRunning(project.project, serviceName, 0, this.upTimeoutMs)
      report({ step: 'stop', service: serviceName, container: null, state: 'done', message: `Stopped ${serviceName}` })
      return [`stopped ${serviceName}`]
    })
  }

  /** A rolling restart: every task replaced (`docker service update --force`). */
  restartService(serviceName: string, report: ProgressSink): Promise<string[]> {
    return this.onDeployed(serviceName, async (project, _spec, deployed) => {
      report({
        step: 'restart',
        service: serviceName,
        container: null,
        state: 'started',
        message: `Restarting ${serviceName}`
      })
      await this.options.swarm.updateService(deployed.ID, (swarmSpec) => ({
        ...swarmSpec,
        TaskTemplate: {
          ...swarmSpec.TaskTemplate,
          ForceUpdate: ((swarmSpec.TaskTemplate as Docker.ContainerTaskSpec | undefined)?.ForceUpdate ?? 0) + 1
        }
      }))
      await this.waitRunning(
        project.project,
        serviceName,
        deployed.Spec?.Mode?.Replicated?.Replicas ?? 0,
        this.upTimeoutMs
      )
      report({
        step: 'restart',
        service: serviceName,
        container: null,
        state: 'done',
        message: `Restarted ${serviceName}`
      })
      return [`restarted ${serviceName}`]
    })
  }

  /**
   * The reference a service's tasks run: the image (built or pulled first, if missing) by a
   * digest of the registry it came from, or, when it exists only on this engine (built here:
   * `build:` or the offline image builder), pushed to the stack's registry and pinned by the
   * digest the push returned.
   */
  private async imageReference(
    project: ComposeProject,
    spec: ServiceSpec,
    report: ProgressSink,
    options: { rebuild?: boolean } = {}
  ): Promise<string> {
    const { engine, swarm } = this.options
    const progress = (p: {
      step?: 'build' | 'pull' | 'push'
      message: string
      current: number | null
      total: number | null
    }): void =>
      report({
        step: p.step ?? 'push',
        service: spec.name,
        container: null,
        state: 'progress',
        message: p.message,
        current: p.current,
        total: p.total
      })
    report({ step: 'image', service: spec.name, container: null, state: 'started', message: `Image ${spec.image}` })
    const id = await engine.ensureImage(spec, progress, options)
    let reference = await swarm.pullableReference(id)
    if (reference === null) {
      await this.ensureRegistry(project.project, report)
      reference = await swarm.pushToRegistry(this.options.registry, spec.image, id, progress)
    }
    report({
      step: 'image',
      service: spec.name,
      container: null,
      state: 'done',
      message: `Image ${spec.image} ready as ${reference}`
    })
    return reference
  }

  private async ensureRegistry(stack: string, report: ProgressSink): Promise<void> {
    const { engine, swarm, registryImage, registry } = this.options
    if ((await engine.imageId(registryImage)) === null) {
      throw new StackError(
        'ImageUnavailable',
        `The stack registry's image ${registryImage} is not on this machine`,
        "Run `npm run stack:images` (it builds it from Debian's docker-registry), or set DECK_SWARM_REGISTRY_IMAGE."
      )
    }
    if (await swarm.startRegistry(stack, registryImage, registry)) {
      report({
        step: 'start',
        service: null,
        container: null,
        state: 'done',
        message: `Started the stack's registry on ${registryHost(registry)}`
      })
    }
  }

  /**
   * A rolling update to the service's image as it is now: rebuilt when it has `build:`, pushed,
   * and set by its new digest with the file's update_config, which swarm follows (how many
   * tasks at a time, start-first or stop-first, what to do on failure). Done when swarm says
   * the update completed and every replica runs the new digest; a pause or rollback is an error.
   */
  updateService(serviceName: string, report: ProgressSink): Promise<string[]> {
    return this.onDeployed(serviceName, async (project, spec, deployed) => {
      this.admitService(project, serviceName)
      const image = await this.imageReference(project, spec, report, { rebuild: true })
      const swarmSpec = deployed.Spec as Docker.ServiceSpec
      const before = (swarmSpec.TaskTemplate as Docker.ContainerTaskSpec | undefined)?.ContainerSpec?.Image
      const config = updateConfig(spec)
      if (before === image && isDeepStrictEqual(swarmSpec.UpdateConfig, config ?? swarmSpec.UpdateConfig)) {
        report({
          step: 'update',
          service: serviceName,
          container: null,
          state: 'done',
          message: `${serviceName} runs ${image} already`
        })
        return [`${serviceName} is up to date (${image})`]
      }
      report({
        step: 'update',
        service: serviceName,
        container: null,
        state: 'started',
        message: `Rolling ${serviceName} to ${image}`
      })
      await this.options.swarm.updateService(deployed.ID, (current) => {
        const template = current.TaskTemplate as Docker.ContainerTaskSpec
        return {
          ...current,
          TaskTemplate: { ...template, ContainerSpec: { ...template.ContainerSpec, Image: image } },
          UpdateConfig: config ?? current.UpdateConfig
        }
      })
      const replicas = swarmSpec.Mode?.Replicated?.Replicas ?? 0
      await this.waitUpdated(project.project, serviceName, image, replicas, updateStatus(deployed)?.StartedAt, report)
      report({
        step: 'update',
        service: serviceName,
        container: null,
        state: 'done',
        message: `${serviceName}: ${replicas} replica(s) on ${image}`
      })
      return [`updated ${serviceName} to ${image}`]
    })
  }

  /** Until swarm's UpdateStatus says completed and every replica runs `image`; a paused or rolled-back update fails with swarm's message. */
  private async waitUpdated(
    stack: string,
    name: string,
    image: string,
    replicas: number,
    previousStart: string | undefined,
    report: ProgressSink
  ): Promise<void> {
    let shown = -1
    await this.until(
      async () => {
        const deployed = await this.options.swarm.service(stack, name)
        if (deployed === null)
          throw new StackError('ContainerNotFound', `${name} was removed during its update`, 'Run up again.')
        // The status of an earlier update (one that rolled back, say) is not this one's.
        const last = updateStatus(deployed)
        const status = last?.StartedAt === previousStart ? undefined : last
        if (status?.State !== undefined && /paused|rollback/.test(status.State)) {
          throw new StackError(
            'ContainerFailed',
            `Swarm stopped the update of ${name} (${status.State}): ${status.Message ?? 'no message'}`,
            `See \`docker service ps ${stackServiceName(stack, name)} --no-trunc\`; after a fix, \`deck --swarm update ${name}\` again.`
          )
        }
        const tasks = currentTasks(await this.options.swarm.tasks([deployed.ID])).filter(
          (t) => t.DesiredState === 'running' && t.Status.State === 'running'
        )
        const updated = tasks.filter((t) => t.Spec?.ContainerSpec?.Image === image).length
        if (updated !== shown) {
          shown = updated
          report({
            step: 'update',
            service: name,
            container: null,
            state: 'progress',
            message: `${name}: ${updated}/${replicas} on the new image`,
            current: updated,
            total: replicas
          })
        }
        return (
          (status?.State === undefined || status.State === 'completed') &&
          updated === replicas &&
          tasks.length === replicas
        )
      },
      this.upTimeoutMs,
      `the update of ${name} to complete`
    )
  }

  /** One queued operation on a service the stack has deployed (ContainerNotFound, "run up first", when it has not). */
  private onDeployed<T>(
    serviceName: string,
    work: (project: ComposeProject, spec: ServiceSpec, deployed: Docker.Service) => Promise<T>,
    admit = false
  ): Promise<T> {
    return this.onService(
      serviceName,
      async (project, spec) => {
        const deployed = await this.options.swarm.service(project.project, serviceName)
        if (deployed === null)
          throw new StackError(
            'ContainerNotFound',
            `${serviceName} is not deployed on this swarm (stack ${project.project})`,
            'Run up first.'
          )
        return work(project, spec, deployed)
      },
      admit
    )
  }

  /**
   * Until exactly `replicas` tasks of the service run (healthy, where it has a check: swarm
   * reports a task running only then). Tasks failing again and again with one error fail the
   * wait with that error; swarm would go on replacing them.
   */
  private async waitRunning(stack: string, name: string, replicas: number, timeoutMs: number): Promise<void> {
    let lastError: string | null = null
    await this.until(
      async () => {
        const deployed = await this.options.swarm.service(stack, name)
        if (deployed === null) return replicas === 0
        const tasks = await this.options.swarm.tasks([deployed.ID])
        const failed = tasks.filter((t) => t.Status.State === 'failed' || t.Status.State === 'rejected')
        lastError = failed.at(-1)?.Status.Err ?? lastError
        const sameError = failed.filter((t) => t.Status.Err === lastError).length
        if (sameError >= 3 && !tasks.some((t) => t.Status.State === 'running')) {
          throw new StackError(
            'ContainerFailed',
            `${name}'s tasks keep failing: ${lastError}`,
            'See `npm run deck -- logs ' +
              name +
              '` or `docker service ps ' +
              stackServiceName(stack, name) +
              ' --no-trunc`.'
          )
        }
        const running = currentTasks(tasks).filter(
          (t) => t.Status.State === 'running' && t.DesiredState === 'running'
        ).length
        const stopping = tasks.some((t) => t.DesiredState !== 'running' && t.Status.State === 'running')
        return running === replicas && (replicas > 0 || !stopping)
      },
      timeoutMs,
      `${replicas} ${name} replica(s) running`,
      () => lastError
    )
  }

  private async until(
    check: () => Promise<boolean>,
    timeoutMs: number,
    what: string,
    detail: () => string | null = () => null
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!(await check())) {
      if (Date.now() > deadline) {
        const why = detail()
        throw new StackError(
          'DependencyTimeout',
          `Waited ${Math.round(timeoutMs / 1000)} s for ${what}${why === null ? '' : ` (last task error: ${why})`}`,
          'See `docker service ps` for the tasks and their errors.'
        )
      }
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 500))
    }
  }
}
