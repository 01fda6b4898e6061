/**
 * The Docker engine connection: it makes the process's one dockerode client, and watches
 * whether the engine answers. When it stops answering, the state says so (and where we
 * looked) and a probe loop reconnects by itself; everything else asks `requireConnected()`
 * before acting. The engine-call modules (container-ops.ts, stack-resources.ts,
 * swarm-services.ts, …) are functions of that client, passed to them; none makes its own.
 * The compose driver uses this class as its container runtime; the swarm driver's
 * SwarmEngine is built on `client`.
 */
import { EventEmitter } from 'node:events'
import Docker from 'dockerode'
import type { ContainerStats, EngineConnectivity, LogLine } from '../../shared/contract'
import type { ComposeProject, DependencyCondition, ServiceSpec } from './compose-model'
import type { ContainerRuntime } from './container-runtime'
import type { EngineStatus, EngineView } from './drivers/stack-driver'
import { createContainer, removeContainer, startContainer, stopGracefully, waitForCondition } from './container-ops'
import { containerStats, followStats } from './container-stats'
import { HostCpu, engineHost } from './engine-host'
import type { EngineHost } from './engine-host'
import { followLogs, tailLogs } from './container-logs'
import type { LogSource } from './container-logs'
import { ensureImage, imageId } from './image-provider'
import type { ImageProgress } from './image-provider'
import { listProjectContainers } from './project-containers'
import type { ProjectContainer } from './project-containers'
import { ensureResources, removeResources } from './stack-resources'
import { assertPortsFree, portErrorFromEngine } from './port-check'
import type { ContainerIdentity } from './container-spec'
import type { ProgressSink } from './stack-error'
import { buildStackStatus } from './status-builder'
import type { StatusInput } from './status-builder'

export interface DockerEngineOptions {
  /** `unix:///var/run/docker.sock`, a socket path, or `tcp://host:port`. */
  endpoint: string
  /** How often to probe while the engine is unreachable. Default 1000 ms. */
  retryMs?: number
  /** How often to confirm it is still there while connected. Default 5000 ms. */
  heartbeatMs?: number
}

export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError'
  constructor(readonly connectivity: EngineConnectivity) {
    super(connectivity.message)
  }
}

function dockerFromEndpoint(endpoint: string): Docker {
  if (endpoint.startsWith('tcp://') || endpoint.startsWith('http://')) {
    const url = new URL(endpoint.replace(/^tcp:/, 'http:'))
    return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' })
  }
  return new Docker({ socketPath: endpoint.replace(/^unix:\/\//, '') })
}

type EngineEvents = { state: [EngineConnectivity] }

export class DockerEngine extends EventEmitter<EngineEvents> implements ContainerRuntime, EngineView {
  private readonly docker: Docker
  private current: EngineConnectivity
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private probing: Promise<boolean> | null = null
  private readonly hostCpu = new HostCpu()

  constructor(private readonly options: DockerEngineOptions) {
    super()
    this.docker = dockerFromEndpoint(options.endpoint)
    this.current = {
      state: 'reconnecting',
      endpoint: options.endpoint,
      version: null,
      message: `Connecting to the Docker engine at ${options.endpoint}`,
      hint: null,
      since: new Date().toISOString()
    }
  }

  /** The process's dockerode client, for a driver that calls the engine beyond the container runtime. */
  get client(): Docker {
    return this.docker
  }

  get connectivity(): EngineConnectivity {
    return this.current
  }

  get connected(): boolean {
    return this.current.state === 'connected'
  }

  /** Probes once now, then keeps watching. */
  async start(): Promise<EngineConnectivity> {
    await this.probe()
    this.schedule()
    return this.current
  }

  stop(): void {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  /** Asks the engine now (one probe at a time); true when it answered. Never rejects, so a caller may leave it unawaited. */
  probe(): Promise<boolean> {
    this.probing ??= this.ping().finally(() => {
      this.probing = null
    })
    return this.probing
  }

  /** Called by users of the engine when a call or stream failed in a way that suggests it is gone. */
  reportFailure(err: unknown): void {
    if (isConnectionError(err)) void this.probe()
  }

  /** Throws EngineUnavailableError (with where we looked) unless the engine answers. */
  async requireConnected(): Promise<void> {
    if (this.connected) return
    if (!(await this.probe())) throw new EngineUnavailableError(this.current)
  }

  // ---- Container runtime (the orchestrator's and converger's view) ----------------------

  listContainers(project: string, serviceName?: string): Promise<ProjectContainer[]> {
    return listProjectContainers(this.docker, project, serviceName)
  }

  imageId(image: string): Promise<string | null> {
    return imageId(this.docker, image)
  }

  ensureImage(
    spec: ServiceSpec,
    onProgress: (progress: ImageProgress) => void,
    options: { rebuild?: boolean } = {}
  ): Promise<string> {
    return ensureImage(this.docker, spec, onProgress, options)
  }

  assertPortsFree(project: ComposeProject, services: string[]): Promise<void> {
    return assertPortsFree(this.docker, project, services)
  }

  ensureResources(project: ComposeProject, report: ProgressSink): Promise<void> {
    return ensureResources(this.docker, project, report)
  }

  removeResources(
    project: ComposeProject | string,
    options: { removeVolumes: boolean },
    report: ProgressSink
  ): Promise<string[]> {
    return removeResources(this.docker, project, options.removeVolumes, report)
  }

  async createContainer(
    project: ComposeProject,
    spec: ServiceSpec,
    number: number,
    identity: ContainerIdentity
  ): Promise<string> {
    return (await createContainer(this.docker, project, spec, number, identity)).id
  }

  async startContainer(id: string, owner?: { project: ComposeProject; service: string }): Promise<void> {
    try {
      await startContainer(this.docker, id)
    } catch (err) {
      throw owner === undefined ? err : await portErrorFromEngine(this.docker, owner.project, owner.service, err)
    }
  }

  stopContainer(id: string, graceSeconds: number): Promise<void> {
    return stopGracefully(this.docker, id, graceSeconds)
  }

  async restartContainer(id: string, graceSeconds: number): Promise<void> {
    await this.docker.getContainer(id).restart({ t: graceSeconds })
  }

  removeContainer(id: string): Promise<void> {
    return removeContainer(this.docker, id)
  }

  waitFor(id: string, label: string, condition: DependencyCondition, timeoutMs: number): Promise<void> {
    return waitForCondition(this.docker, id, label, condition, timeoutMs)
  }

  // ---- Observation: status, events, logs, stats -----------------------------------------

  buildStatus(input: Omit<StatusInput, 'docker' | 'engine'>): Promise<EngineStatus> {
    return buildStackStatus({ ...input, docker: this.docker, engine: this.current })
  }

  /** The engine's container events of one project, as a stream that ends when the engine goes. */
  containerEvents(labelFilter: string): Promise<NodeJS.ReadableStream> {
    return this.docker.getEvents({ filters: { type: ['container'], label: [labelFilter] } })
  }

  tailLogs(sources: LogSource[], tail: number): Promise<LogLine[]> {
    return tailLogs(this.docker, sources, tail)
  }

  followLogs(
    source: LogSource,
    sinceSeconds: number,
    onLine: (line: LogLine) => void,
    onEnd: (reason: string) => void
  ): Promise<() => void> {
    return followLogs(this.docker, source, sinceSeconds, onLine, onEnd)
  }

  containerStats(source: LogSource): Promise<ContainerStats> {
    return containerStats(this.docker, source)
  }

  followStats(
    source: LogSource,
    onReading: (reading: ContainerStats) => void,
    onEnd: (reason: string) => void
  ): Promise<() => void> {
    return followStats(this.docker, source, onReading, onEnd)
  }

  host(): Promise<EngineHost> {
    return engineHost(this.docker, this.options.endpoint, this.hostCpu)
  }

  private async ping(): Promise<boolean> {
    try {
      const version = await withTimeout(this.docker.version(), 3000)
      this.set({
        state: 'connected',
        version: version.Version,
        message: `Docker engine ${version.Version} at ${this.options.endpoint}`,
        hint: null
      })
      return true
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message
      this.set({
        state: 'unreachable',
        version: null,
        message: `No Docker engine answers at ${this.options.endpoint} (${reason})`,
        hint: 'Start the engine (`dockerd`, or Docker Desktop) or point DOCKER_HOST at it; the panel reconnects by itself.'
      })
      return false
    }
  }

  private set(next: Omit<EngineConnectivity, 'endpoint' | 'since'>): void {
    const changed = next.state !== this.current.state || next.version !== this.current.version
    this.current = {
      ...next,
      endpoint: this.options.endpoint,
      since: changed ? new Date().toISOString() : this.current.since
    }
    if (changed) this.emit('state', this.current)
  }

  private schedule(): void {
    if (this.closed) return
    const delay = this.connected ? (this.options.heartbeatMs ?? 5000) : (this.options.retryMs ?? 1000)
    this.timer = setTimeout(() => {
      void this.probe().finally(() => this.schedule())
    }, delay)
    this.timer.unref()
  }
}

export function isConnectionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code
  return (
    code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT'
  )
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' })),
      ms
    )
    promise.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(timer)
        reject(e instanceof Error ? e : new Error(String(e)))
      }
    )
  })
}
