/**
 * The swarm side of the engine connection, over DockerEngine's dockerode client (the one the
 * process has; its state and reconnects stay DockerEngine's). It answers what
 * the swarm orchestrator, the status monitor and the controller's logs and stats ask of a
 * stack deployed on a swarm, over the service, task and node API.
 */
import { PassThrough } from 'node:stream'
import type Docker from 'dockerode'
import type { ComposeProject } from '../../compose-model'
import type { DockerEngine } from '../../docker-engine'
import { StackError } from '../../stack-error'
import { LogSplitter, pipeLogStream } from '../../container-logs'
import type { LogSource } from '../../container-logs'
import { containerStats, followStats } from '../../container-stats'
import type { ContainerStats, LogLine } from '../../../../shared/contract'
import type { EngineStatus, StatusRequest } from '../stack-driver'
import {
  deployService,
  ensureOverlayNetwork,
  listNodes,
  listServiceTasks,
  listStackServices,
  removeService,
  removeWhenFree,
  setReplicas,
  stackContainers,
  stackNetworks,
  stackVolumes,
  swarmState,
  updateService
} from './swarm-services'
import type { SwarmState, SwarmTask } from './swarm-services'
import { STACK_LABEL, stackServiceName } from './swarm-spec'
import { relayRoutes, removeRelay, startRelay } from './swarm-relay'
import type { RelayRoute } from './swarm-relay'
import { pullableDigest, pushImage, registryReference, removeRegistry, startRegistry } from './swarm-registry'
import type { PushProgress, RegistryAddress } from './swarm-registry'
import { buildSwarmStatus } from './swarm-status'

export class SwarmEngine {
  private readonly docker: Docker

  constructor(private readonly engine: DockerEngine) {
    this.docker = engine.client
  }

  state(): Promise<SwarmState> {
    return swarmState(this.docker)
  }

  /** Throws SwarmUnavailable unless this engine is an active swarm manager. */
  async requireManager(): Promise<void> {
    await this.engine.requireConnected()
    const state = await this.state()
    if (state.localNodeState === 'active' && state.isManager) return
    throw new StackError(
      'SwarmUnavailable',
      state.localNodeState === 'active'
        ? `The engine at ${this.engine.connectivity.endpoint} is a swarm worker; a stack is deployed through a manager`
        : `The engine at ${this.engine.connectivity.endpoint} is not in a swarm (its state: ${state.localNodeState})`,
      'Run `docker swarm init` on this machine (or point DOCKER_HOST at a manager), or use the compose driver: unset DECK_MODE / drop --swarm.'
    )
  }

  services(stack: string): Promise<Docker.Service[]> {
    return listStackServices(this.docker, stack)
  }

  async service(stack: string, name: string): Promise<Docker.Service | null> {
    return (await this.services(stack)).find((s) => s.Spec?.Name === stackServiceName(stack, name)) ?? null
  }

  tasks(serviceIds: string[]): Promise<SwarmTask[]> {
    return listServiceTasks(this.docker, serviceIds)
  }

  nodeCount(): Promise<number> {
    return listNodes(this.docker).then((n) => n.length)
  }

  deployService(spec: Docker.CreateServiceOptions): Promise<'created' | 'updated'> {
    return deployService(this.docker, spec)
  }

  setReplicas(id: string, replicas: number): Promise<void> {
    return setReplicas(this.docker, id, replicas)
  }

  updateService(id: string, change: (spec: Docker.ServiceSpec) => Docker.ServiceSpec): Promise<void> {
    return updateService(this.docker, id, change)
  }

  removeService(id: string): Promise<void> {
    return removeService(this.docker, id)
  }

  ensureNetwork(spec: Docker.NetworkCreateOptions): Promise<boolean> {
    return ensureOverlayNetwork(this.docker, spec)
  }

  startRelay(project: ComposeProject, routes: RelayRoute[], image: string): Promise<void> {
    return startRelay(this.docker, project, routes, image)
  }

  removeRelay(stack: string): Promise<boolean> {
    return removeRelay(this.docker, stack)
  }

  startRegistry(stack: string, image: string, address: RegistryAddress): Promise<boolean> {
    return startRegistry(this.docker, stack, image, address)
  }

  removeRegistry(stack: string): Promise<boolean> {
    return removeRegistry(this.docker, stack)
  }

  /** The digest reference of an image pullable from where it came from, or null: it exists only on this engine. */
  async pullableReference(imageId: string): Promise<string | null> {
    return pullableDigest((await this.docker.getImage(imageId).inspect()).RepoDigests ?? [])
  }

  /** Pushes the image `name` (as `imageId`) to the stack's registry; its `registry/name@sha256:…`. */
  pushToRegistry(
    address: RegistryAddress,
    name: string,
    imageId: string,
    onProgress: (p: PushProgress) => void
  ): Promise<string> {
    return pushImage(this.docker, imageId, registryReference(address, name), onProgress)
  }

  /** The stack's task containers still on this node (not the relay's or the registry's). */
  async taskContainers(stack: string): Promise<Docker.ContainerInfo[]> {
    return (await stackContainers(this.docker, stack)).filter(
      (c) => c.Labels[STACK_LABEL.relay] === undefined && c.Labels[STACK_LABEL.registry] === undefined
    )
  }

  /**
   * Removes the stack's networks, and when asked its volumes (labelled with the stack, and the
   * file's named volumes that exist, which tasks use by name whoever made them), retrying
   * while a task's endpoint lingers. A volume still refused then is named as left, with why.
   */
  async removeResources(project: ComposeProject | string, removeVolumes: boolean): Promise<string[]> {
    const stack = typeof project === 'string' ? project : project.project
    const removed: string[] = []
    for (const net of await stackNetworks(this.docker, stack)) {
      await removeWhenFree(() => this.docker.getNetwork(net.Id).remove())
      removed.push(`removed network ${net.Name}`)
    }
    if (removeVolumes) {
      const existing = new Set(((await this.docker.listVolumes()).Volumes ?? []).map((v) => v.Name))
      const named =
        typeof project === 'string'
          ? []
          : [...project.volumes.values()].filter((v) => !v.external && existing.has(v.name)).map((v) => v.name)
      for (const name of new Set([...(await stackVolumes(this.docker, stack)), ...named])) {
        try {
          await removeWhenFree(() => this.docker.getVolume(name).remove())
          removed.push(`removed volume ${name}`)
        } catch (err) {
          removed.push(
            `left volume ${name}: ${(err as { json?: { message?: string } }).json?.message ?? (err as Error).message}`
          )
        }
      }
    }
    return removed
  }

  async buildStatus(request: StatusRequest): Promise<EngineStatus> {
    const engine = this.engine.connectivity
    const stack = request.project?.project ?? request.projectName
    const routes = request.project === null ? [] : relayRoutes(request.project)
    if (engine.state !== 'connected' || (await this.state()).localNodeState !== 'active') {
      return buildSwarmStatus({ ...request, engine, services: [], tasks: [], nodes: [], routes })
    }
    const services = await this.services(stack)
    const [tasks, nodes] = await Promise.all([this.tasks(services.map((s) => s.ID)), listNodes(this.docker)])
    return buildSwarmStatus({ ...request, engine, services, tasks, nodes, routes })
  }

  /**
   * What changes a stack's status: its containers on this node (label filter), and the swarm's
   * service and node events. The engine ANDs filter keys, so these are two streams in one.
   */
  async events(stack: string): Promise<NodeJS.ReadableStream> {
    const streams = await Promise.all([
      this.docker.getEvents({ filters: { type: ['container'], label: [`${STACK_LABEL.namespace}=${stack}`] } }),
      this.docker.getEvents({ filters: { type: ['service', 'node'] } })
    ])
    const merged = new PassThrough()
    for (const s of streams) {
      s.on('data', (chunk) => merged.write(chunk))
      s.on('end', () => merged.end())
      s.on('error', (err) => merged.destroy(err as Error))
    }
    merged.on('close', () =>
      streams.forEach((s) => (s as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.())
    )
    return merged
  }

  /** dockerode has a task's logs (GET /tasks/{id}/logs); its types do not. */
  private task(id: string): { logs(options: Docker.ContainerLogsOptions): Promise<unknown> } {
    return this.docker.getTask(id) as unknown as { logs(options: Docker.ContainerLogsOptions): Promise<unknown> }
  }

  // ---- A replica's logs and stats: the task's, wherever it runs ------------------------------

  async tailLogs(sources: LogSource[], tail: number): Promise<LogLine[]> {
    const per = await Promise.all(
      sources.map(async (s) => {
        const buf = (await this.task(s.id).logs({
          stdout: true,
          stderr: true,
          timestamps: true,
          tail,
          follow: false
        })) as unknown as Buffer
        const splitter = new LogSplitter(s, false)
        return [...splitter.push(buf), ...splitter.end()]
      })
    )
    return per.flat().sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''))
  }

  async followLogs(
    source: LogSource,
    sinceSeconds: number,
    onLine: (line: LogLine) => void,
    onEnd: (reason: string) => void
  ): Promise<() => void> {
    const stream = (await this.task(source.id).logs({
      stdout: true,
      stderr: true,
      timestamps: true,
      follow: true,
      since: sinceSeconds
    })) as NodeJS.ReadableStream
    return pipeLogStream(stream, source, false, onLine, onEnd)
  }

  /** CPU and memory of a replica whose container runs on this node (the engine reads only its own). */
  async taskStats(source: LogSource): Promise<ContainerStats> {
    return containerStats(this.docker, await this.localTaskContainer(source))
  }

  async followTaskStats(
    source: LogSource,
    onReading: (reading: ContainerStats) => void,
    onEnd: (reason: string) => void
  ): Promise<() => void> {
    return followStats(this.docker, await this.localTaskContainer(source), onReading, onEnd)
  }

  /** A task's container, as a stats source, when it runs on this (the manager's) engine. */
  private async localTaskContainer(source: LogSource): Promise<LogSource> {
    const task = (await this.docker.getTask(source.id).inspect()) as SwarmTask
    const containerId = task.Status.ContainerStatus?.ContainerID
    const local =
      containerId !== undefined && (await this.docker.listContainers({ filters: { id: [containerId] } })).length > 0
    if (!local)
      throw new StackError(
        'ContainerNotFound',
        `${source.name} runs on another node`,
        'Stats are read from the engine a replica runs on; this panel talks to the manager only.'
      )
    return { ...source, id: containerId }
  }
}
