/**
 * The Docker engine connection: one dockerode client, and a watch on whether the engine
 * answers. When it stops answering, the state says so (and where we looked) and a probe
 * loop reconnects by itself; everything else asks `requireConnected()` before acting.
 */
import { EventEmitter } from 'node:events'
import Docker from 'dockerode'
import type { EngineConnectivity } from '../../shared/contract'

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

export function dockerFromEndpoint(endpoint: string): Docker {
  if (endpoint.startsWith('tcp://') || endpoint.startsWith('http://')) {
    const url = new URL(endpoint.replace(/^tcp:/, 'http:'))
    return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' })
  }
  return new Docker({ socketPath: endpoint.replace(/^unix:\/\//, '') })
}

type EngineEvents = { state: [EngineConnectivity] }

export class DockerEngine extends EventEmitter<EngineEvents> {
  readonly docker: Docker
  private current: EngineConnectivity
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private probing: Promise<boolean> | null = null

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

  /** Asks the engine now (one probe at a time); true when it answered. */
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

  private async ping(): Promise<boolean> {
    try {
      const version = await withTimeout(this.docker.version(), 3000)
      this.set({ state: 'connected', version: version.Version, message: `Docker engine ${version.Version} at ${this.options.endpoint}`, hint: null })
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
    this.current = { ...next, endpoint: this.options.endpoint, since: changed ? new Date().toISOString() : this.current.since }
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
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT'
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' })), ms)
    promise.then(
      (v) => { clearTimeout(timer); resolve(v) },
      (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))) }
    )
  })
}
