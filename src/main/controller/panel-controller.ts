/**
 * The one object that does things. Every shell (Electron IPC, web shell, CLI) calls
 * `invoke(operation, request)` and `on(event, listener)`; requests are validated against the
 * contract here, and every failure comes back as an error value, never a throw.
 */
import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import { parseRequest } from '../../shared/contract'
import type {
  EventListener, EventName, EventPayload, OperationName, OperationResponse, OperationResult, PanelApi, ParsedRequest, ProgressOperation, StackStatus
} from '../../shared/contract'

import { DockerEngine } from '../stack/docker-engine'
import { StackOrchestrator } from '../stack/stack-orchestrator'
import { StatusMonitor } from '../stack/status-monitor'
import { buildStackStatus } from '../stack/status-builder'
import { loadComposeProject } from '../stack/compose-file'
import type { ComposeProject } from '../stack/compose-model'
import { listProjectContainers } from '../stack/project-containers'
import { containerStats } from '../stack/container-stats'
import { StackError } from '../stack/stack-error'
import type { ProgressSink } from '../stack/stack-error'
import { BrokerMonitor, redact } from '../broker/broker-monitor'
import type { ReplicaView } from '../broker/cross-layer-health'
import { RpcClient } from '../../services/rpc'
import { ListingsService, rpcScrape } from '../../services/listings'
import { toPanelError } from './error-values'
import { LogStreams } from './log-streams'
import type { PanelSettings } from './panel-config'

type Handlers = { [K in OperationName]: (request: ParsedRequest<K>) => Promise<OperationResponse<K>> }
type EventArgs = { [K in EventName]: [EventPayload<K>] }

export class PanelController implements PanelApi {
  readonly engine: DockerEngine
  readonly orchestrator: StackOrchestrator
  readonly status: StatusMonitor
  readonly broker: BrokerMonitor
  private readonly events = new EventEmitter<EventArgs>()
  private readonly logs: LogStreams
  private lastStatus: StackStatus | null = null
  private rpc: Promise<RpcClient> | null = null
  private listings: Promise<ListingsService> | null = null

  constructor(readonly config: PanelSettings) {
    this.events.setMaxListeners(100)
    this.engine = new DockerEngine({ endpoint: config.dockerEndpoint })
    this.orchestrator = new StackOrchestrator({
      engine: this.engine,
      loadProject: () => this.loadProject(),
      projectName: config.project,
      upTimeoutMs: config.upTimeoutMs
    })
    this.status = new StatusMonitor({ engine: this.engine, projectName: config.project, build: () => this.buildStatus(), refreshMs: config.statusRefreshMs })
    this.broker = new BrokerMonitor({
      management: { url: config.managementUrl, username: config.managementUser, password: config.managementPassword },
      amqpUri: config.amqpUri,
      intervalMs: config.metricsIntervalMs,
      replicas: () => this.replicaViews()
    })
    this.logs = new LogStreams(
      this.engine.docker,
      (streamId, line) => this.emit('logLine', { ...line, streamId }),
      (streamId, reason) => this.emit('logEnd', { streamId, reason })
    )
    this.engine.on('state', (s) => this.emit('engine', s))
    this.status.on('status', (s) => {
      this.lastStatus = s
      this.emit('status', s)
    })
    this.broker.on('metrics', (m) => this.emit('metrics', m))
    this.broker.on('sample', (s) => this.emit('metricsSample', s))
    this.broker.on('broker', (b) => this.emit('broker', b))
  }

  /**
   * Starts watching: engine connectivity, the status (Docker events + periodic refresh) and
   * broker metrics. A one-shot CLI command can skip this and just invoke.
   */
  async start(options: { metrics?: boolean } = {}): Promise<void> {
    await this.engine.start()
    this.lastStatus = await this.status.start()
    if (options.metrics !== false) this.broker.start()
  }

  async close(): Promise<void> {
    this.logs.stopAll()
    this.status.stop()
    this.engine.stop()
    await this.broker.stop()
    const rpc = this.rpc
    const listings = this.listings
    this.rpc = this.listings = null
    await Promise.allSettled([rpc?.then((c) => c.close()), listings?.then((l) => l.close())])
  }

  async invoke<K extends OperationName>(operation: K, request: unknown): Promise<OperationResult<K>> {
    const parsed = parseRequest(operation, request)
    if (!parsed.ok) return parsed
    try {
      const handler = this.handlers[operation] as (r: ParsedRequest<K>) => Promise<OperationResponse<K>>
      return { ok: true, value: await handler(parsed.value) }
    } catch (err) {
      return { ok: false, error: toPanelError(err) }
    }
  }

  on<K extends EventName>(event: K, listener: EventListener<K>): () => void {
    const l = listener as (...args: EventArgs[K]) => void
    this.events.on(event, l as never)
    return () => this.events.off(event, l as never)
  }

  private emit<K extends EventName>(event: K, payload: EventPayload<K>): void {
    ;(this.events.emit as (e: K, p: EventPayload<K>) => boolean)(event, payload)
  }

  private readonly handlers: Handlers = {
    config: async () => ({
      project: this.config.project,
      composeFile: this.config.composeFile,
      envFiles: this.config.envFiles,
      dockerEndpoint: this.config.dockerEndpoint,
      amqpUri: redact(this.config.amqpUri),
      managementUrl: this.config.managementUrl,
      elasticsearchUrl: this.config.elasticsearchUrl,
      scraperService: this.config.scraperService,
      scraperComposeService:
        Object.entries(this.config.rpcServices).find(([, rpc]) => rpc === this.config.scraperService)?.[0] ?? 'scraper'
    }),
    status: async () => {
      if (!this.engine.connected) await this.engine.probe()
      const status = await this.buildStatus()
      this.lastStatus = status
      return status
    },
    up: (r) => this.operation('up', r.operationId, (report) => this.orchestrator.up(r.services, report)),
    down: (r) => this.operation('down', r.operationId, (report) => this.orchestrator.down(r.removeVolumes, report)),
    scale: (r) => this.operation('scale', r.operationId, (report) => this.orchestrator.scale(r.service, r.replicas, report)),
    startService: (r) => this.operation('start', r.operationId, (report) => this.orchestrator.startService(r.service, report)),
    stopService: (r) => this.operation('stop', r.operationId, (report) => this.orchestrator.stopService(r.service, report)),
    restartService: (r) => this.operation('restart', r.operationId, (report) => this.orchestrator.restartService(r.service, report)),
    logs: async (r) => {
      await this.engine.requireConnected()
      const containers = (await listProjectContainers(this.engine.docker, this.config.project, r.service)).filter(
        (c) => r.container === undefined || c.name === r.container
      )
      if (containers.length === 0) {
        throw new StackError('ContainerNotFound', `No container of ${r.service}${r.container ? ` named ${r.container}` : ''} in project ${this.config.project}`, 'Is the stack up?')
      }
      return this.logs.open(containers, r.tail, r.follow)
    },
    stopLogs: async (r) => ({ stopped: this.logs.stop(r.streamId) }),
    stats: async (r) => {
      await this.engine.requireConnected()
      const running = (await listProjectContainers(this.engine.docker, this.config.project, r.service)).filter((c) => c.state === 'running')
      return { containers: await Promise.all(running.map((c) => containerStats(this.engine.docker, c))) }
    },
    metrics: async () => {
      // Findings compare with running replicas, so a one-shot caller needs a status first.
      if (this.lastStatus === null) this.lastStatus = await this.buildStatus().catch(() => null)
      return this.broker.latest()
    },
    metricHistory: async (r) => ({ samples: this.broker.samples(r.sinceMs, r.limit), capacity: this.broker.capacity }),
    lookup: async (r) => {
      const result = await (await this.listingsService()).lookup(r.id, { refresh: r.refresh })
      this.broker.lookupLatency.record(result.tookMs)
      return result
    },
    search: async (r) => (await this.listingsService()).search(r.query, r.options),
    rpcCall: async (r) => {
      const client = await this.rpcClient()
      const started = performance.now()
      const result = await client.call(r.service, r.method, r.args, r.kwargs, { timeoutMs: r.timeoutMs })
      return { result, tookMs: Math.round(performance.now() - started) }
    }
  }

  /** Runs a stack operation with progress events under one operation id. */
  private async operation(operation: ProgressOperation, requestedId: string | undefined, run: (report: ProgressSink) => Promise<string[]>): Promise<OperationResponse<'up'>> {
    const operationId = requestedId ?? randomUUID()
    const started = performance.now()
    const report: ProgressSink = (p) =>
      this.emit('progress', {
        operationId,
        operation: p.step === 'build' || p.step === 'pull' ? p.step : operation,
        step: p.step,
        service: p.service,
        container: p.container,
        state: p.state,
        message: p.message,
        current: p.current ?? null,
        total: p.total ?? null,
        error: p.error ?? null,
        at: new Date().toISOString()
      })
    try {
      const summary = await run(report)
      this.status.refresh()
      return { operationId, tookMs: Math.round(performance.now() - started), summary }
    } catch (err) {
      const error = toPanelError(err)
      report({ step: operation, service: null, container: null, state: 'failed', message: error.message, error })
      this.status.refresh()
      throw err
    }
  }

  private loadProject(): ComposeProject {
    return loadComposeProject({ file: this.config.composeFile, project: this.config.project, envFiles: this.config.envFiles })
  }

  private async buildStatus(): Promise<StackStatus> {
    let project: ComposeProject | null = null
    let composeError = null
    try {
      project = this.loadProject()
    } catch (err) {
      composeError = toPanelError(err)
    }
    return buildStackStatus({
      docker: this.engine.docker,
      engine: this.engine.connectivity,
      project,
      projectName: this.config.project,
      composeFile: this.config.composeFile,
      composeError,
      desiredReplicas: (s, n) => this.orchestrator.desiredReplicas(s, n)
    })
  }

  private replicaViews(): ReplicaView[] {
    return Object.entries(this.config.rpcServices).map(([service, rpcService]) => ({
      service,
      rpcService,
      running: this.lastStatus?.services.find((s) => s.name === service)?.runningReplicas ?? 0
    }))
  }

  private rpcClient(): Promise<RpcClient> {
    if (this.rpc === null) {
      const connecting = RpcClient.connect({ amqpUri: this.config.amqpUri, connectionName: 'scrapedeck-panel' })
      // A failed connect is not cached: the next call tries again.
      connecting.catch(() => {
        if (this.rpc === connecting) this.rpc = null
      })
      this.rpc = connecting
    }
    return this.rpc
  }

  private listingsService(): Promise<ListingsService> {
    if (this.listings === null) {
      const creating = (async () => {
        const service = new ListingsService({
          elasticsearchUrl: this.config.elasticsearchUrl,
          index: this.config.listingsIndex,
          scrape: async (id) => rpcScrape(await this.rpcClient(), this.config.scraperService)(id)
        })
        await service.start()
        return service
      })()
      creating.catch(() => {
        if (this.listings === creating) this.listings = null
      })
      this.listings = creating
    }
    return this.listings
  }
}
