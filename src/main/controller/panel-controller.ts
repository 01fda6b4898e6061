/**
 * The one object that does things: a handler per contract operation, over collaborators
 * passed in by a composition root (src/main/panel-composition.ts), so it is unit-tested
 * with small fakes. It receives requests already validated by a panel session and throws
 * on failure; the session turns throws into error values. Events for everyone (status,
 * progress, metrics…) go out through `on`; the live views a client opens are fed by the
 * stream sources in `streams` (one per kind of the contract), which the session drives.
 */
import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import type {
  BroadcastEventName,
  EventListener,
  EventPayload,
  OperationName,
  OperationResponse,
  ParsedRequest,
  PreflightResult,
  ProgressOperation,
  StreamOperationName,
  StreamParams
} from '../../shared/contract'
import type { LogSource } from '../stack/container-logs'
import type { StackDriver } from '../stack/drivers/stack-driver'
import type { StackStatusSource } from '../stack/stack-status-source'
import { StackError } from '../stack/stack-error'
import type { ProgressSink } from '../stack/stack-error'
import type { BrokerMonitor } from '../broker/broker-monitor'
import type { RpcClient } from '../../services/rpc'
import type { ListingsService } from '../../services/listings'
import { toPanelError } from '../error-values'
import { secretMasker } from '../../shared/secret-mask'
import type { ExportFormat } from '../../shared/crawl'
import type { CrawlClient } from '../clients/crawl-client'
import { stackLogStreamSource } from './stack-log-watch'
import { openLogStream } from './log-stream'
import type { PanelSettings } from '../config/panel-config'
import { crawlHandlers } from './crawl-handlers'
import { sourceHandlers } from './source-handlers'
import { NO_WATCHES, watchHandlers } from './watch-handlers'
import { NO_SAVED_SEARCHES, savedSearchHandlers } from './saved-search-handlers'
import type { SavedSearchClientView } from './saved-search-handlers'
import type { WatchClientView } from './watch-handlers'
import { ApiClientError } from '../clients/api-client'
import type { SourceClientView } from './source-handlers'
import { CrawlWatches, crawlStreamSource } from './crawl-watch'
import type { NotificationSettingsStore } from '../notifications/settings-file'
import { fleetHandlers } from './fleet-handlers'
import { StatsWatches, runningContainers, statsStreamSource } from './stats-watch'
import { hostStreamSource } from './host-watch'
import type { StreamSources } from './stream-source'
import { autoscaleHandlers } from './autoscale-handlers'
import type { AutoscalerView } from './autoscale-handlers'

/** The parts of each collaborator the controller uses: what a unit test fakes. */
export type DriverView = Pick<StackDriver, 'mode' | 'operations' | 'rollingUpdate' | 'engine'>
export type StatusView = Pick<
  StackStatusSource,
  'start' | 'stop' | 'refresh' | 'on' | 'build' | 'latest' | 'serviceLimits'
>
export type BrokerView = Pick<
  BrokerMonitor,
  'start' | 'stop' | 'latest' | 'samples' | 'capacity' | 'lookupLatency' | 'rpcServices' | 'on'
>

export interface PanelCollaborators {
  settings: PanelSettings
  /** The engine driver: the stack's operations and the engine's view of what runs. */
  driver: DriverView
  status: StatusView
  broker: BrokerView
  /** Connected on first use; a failed connect is tried again by the next call. */
  listings: () => Promise<ListingsService>
  rpc: () => Promise<RpcClient>
  /** The crawl coordinator's REST client (the API service runs the coordinator). */
  crawls: Pick<CrawlClient, 'start' | 'list' | 'get' | 'items' | 'changes' | 'action' | 'remove' | 'export' | 'logs'>
  /** The api service's /sources client; absent, the source operations answer SourcesUnavailable. */
  sources?: SourceClientView
  /** The api service's /watches client; absent, the watch operations answer WatchesUnavailable. */
  watches?: WatchClientView
  /** The api service's /saved-searches client; absent, those operations answer WatchesUnavailable. */
  savedSearches?: SavedSearchClientView
  /** Where this shell's client downloads a crawl's export. */
  exportUrl: (id: string, format: ExportFormat) => string
  /** The pre-flight of the compose file as it is now (host-access-gate.ts). */
  preflight: (services: string[] | undefined) => PreflightResult
  /** How often a followed crawl is polled. Default 500 ms. */
  crawlPollMs?: number
  /** The desktop app's notification settings; null or absent where the shell keeps its own (web). */
  notificationSettings?: NotificationSettingsStore | null
  /** Scales services from their queue's backlog, where the user turned it on. */
  autoscaler?: AutoscalerView
}

/** Every operation but the stream ones, which the session answers from `streams`. */
export type ControllerOperation = Exclude<OperationName, StreamOperationName>
type Handler<K extends ControllerOperation> = (request: ParsedRequest<K>) => Promise<OperationResponse<K>>
type Handlers = { [K in ControllerOperation]: Handler<K> }
type EventArgs = { [K in BroadcastEventName]: [EventPayload<K>] }

export class PanelController {
  private readonly events = new EventEmitter<EventArgs>()
  private readonly crawlWatches: CrawlWatches
  private readonly statsWatches: StatsWatches
  private readonly table: Handlers
  /** The source of each stream kind a client can open. */
  readonly streams: StreamSources
  /** Masks the settings' passwords and any URI password in text (sessions apply it to everything they send). */
  readonly mask: (text: string) => string

  constructor(private readonly parts: PanelCollaborators) {
    this.mask = secretMasker(parts.settings.secrets)
    this.events.setMaxListeners(100)
    this.crawlWatches = new CrawlWatches((id) => parts.crawls.get(id), { intervalMs: parts.crawlPollMs })
    this.statsWatches = new StatsWatches(parts.driver.engine, async () =>
      runningContainers(parts.status.latest ?? (await parts.status.build()))
    )
    this.table = this.handlers()
    this.streams = {
      logs: async (params, sink, options) =>
        openLogStream(parts.driver.engine, await this.logSources(params), params, sink, options),
      crawl: crawlStreamSource(parts.crawls, this.crawlWatches),
      stats: statsStreamSource(this.statsWatches),
      stackLogs: stackLogStreamSource(parts.crawls),
      hosts: hostStreamSource((source) => (this.parts.sources ?? NO_SOURCES).hosts(source))
    }
    const { driver, status, broker } = parts
    driver.engine.on('state', (s) => this.emit('engine', s))
    status.on('status', (s) => {
      this.statsWatches.update(runningContainers(s))
      this.emit('status', s)
    })
    broker.on('metrics', (m) => this.emit('metrics', m))
    broker.on('sample', (s) => this.emit('metricsSample', s))
    broker.on('broker', (b) => this.emit('broker', b))
    parts.autoscaler?.on('decision', (d) => this.emit('autoscaleDecision', d))
    parts.autoscaler?.on('settings', (s) => this.emit('autoscaleSettings', s))
  }

  /**
   * Starts watching: engine connectivity, the status (Docker events + periodic refresh) and
   * broker metrics. A one-shot CLI command can skip this and just invoke.
   */
  async start(options: { metrics?: boolean } = {}): Promise<void> {
    await this.parts.driver.engine.start()
    await this.parts.status.start()
    if (options.metrics !== false) this.parts.broker.start()
  }

  async close(): Promise<void> {
    this.crawlWatches.stopAll()
    this.statsWatches.stopAll('The panel is closing.')
    await this.parts.autoscaler?.close()
    this.parts.status.stop()
    this.parts.driver.engine.stop()
    await this.parts.broker.stop()
  }

  /** Runs one validated request; throws what went wrong (the session makes it a value). */
  handle<K extends ControllerOperation>(operation: K, request: ParsedRequest<K>): Promise<OperationResponse<K>> {
    const handler = this.table[operation] as Handler<K>
    return handler(request)
  }

  /** A crawl's export as it streams from the coordinator (not an operation: a shell pipes it to a file or a download). */
  openExport(id: string, format: ExportFormat): Promise<ReadableStream<Uint8Array>> {
    return this.parts.crawls.export(id, format)
  }

  on<K extends BroadcastEventName>(event: K, listener: EventListener<K>): () => void {
    const l = listener as (...args: EventArgs[K]) => void
    this.events.on(event, l as never)
    return () => this.events.off(event, l as never)
  }

  /** The containers a log request names (a service's, or one of them); none is an error. */
  private async logSources(r: Pick<StreamParams<'logs'>, 'service' | 'container'>): Promise<LogSource[]> {
    const { settings } = this.parts
    const { engine } = this.parts.driver
    await engine.requireConnected()
    const containers = (await engine.listContainers(settings.project, r.service)).filter(
      (c) => r.container === undefined || c.name === r.container
    )
    if (containers.length === 0) {
      throw new StackError(
        'ContainerNotFound',
        `No container of ${r.service}${r.container ? ` named ${r.container}` : ''} in project ${settings.project}`,
        'Is the stack up?'
      )
    }
    return containers
  }

  private emit<K extends BroadcastEventName>(event: K, payload: EventPayload<K>): void {
    ;(this.events.emit as (e: K, p: EventPayload<K>) => boolean)(event, payload)
  }

  private handlers(): Handlers {
    return {
      config: async () => {
        const s = this.parts.settings
        return {
          project: s.project,
          composeFile: s.composeFile,
          envFiles: s.envFiles,
          credentialsFile: s.credentialsFile,
          dockerEndpoint: s.dockerEndpoint,
          amqpUri: this.mask(s.amqpUri),
          managementUrl: this.mask(s.managementUrl),
          elasticsearchUrl: this.mask(s.elasticsearchUrl),
          scraperService: s.scraperService,
          scraperComposeService:
            Object.entries(s.rpcServices).find(([, rpc]) => rpc === s.scraperService)?.[0] ?? 'scraper'
        }
      },
      status: async () => {
        const { engine } = this.parts.driver
        if (!engine.connected) await engine.probe()
        return this.parts.status.build()
      },
      up: (r) =>
        this.operation('up', r.operationId, (report) =>
          this.stack.up(r.services, report, { allowHostAccess: r.allowHostAccess })
        ),
      preflight: async (r) => this.parts.preflight(r.services),
      down: (r) =>
        this.operation('down', r.operationId, (report) => this.stack.down({ removeVolumes: r.removeVolumes }, report)),
      scale: (r) => this.operation('scale', r.operationId, (report) => this.stack.scale(r.service, r.replicas, report)),
      startService: (r) =>
        this.operation('start', r.operationId, (report) => this.stack.startService(r.service, report)),
      stopService: (r) => this.operation('stop', r.operationId, (report) => this.stack.stopService(r.service, report)),
      restartService: (r) =>
        this.operation('restart', r.operationId, (report) => this.stack.restartService(r.service, report)),
      updateService: (r) =>
        this.operation('update', r.operationId, (report) => {
          const { rollingUpdate, mode } = this.parts.driver
          if (rollingUpdate === null) {
            throw new StackError(
              'SwarmUnavailable',
              `A rolling update of ${r.service} is a swarm operation; this panel drives the stack with ${mode === 'compose' ? 'Compose' : mode}`,
              `Use \`deck --swarm update ${r.service}\` (DECK_MODE=swarm) on a swarm, or \`deck up ${r.service}\` to recreate its containers on the new image.`
            )
          }
          return rollingUpdate.updateService(r.service, report)
        }),
      logSearch: (query) => this.parts.crawls.logs(query),
      logs: async (r) => ({ lines: await this.parts.driver.engine.tailLogs(await this.logSources(r), r.tail) }),
      stats: async (r) => {
        const { settings } = this.parts
        const { engine } = this.parts.driver
        await engine.requireConnected()
        const running = (await engine.listContainers(settings.project, r.service)).filter((c) => c.state === 'running')
        return { containers: await Promise.all(running.map((c) => engine.containerStats(c))) }
      },
      metrics: async () => {
        // Findings compare with running replicas, so a one-shot caller needs a status first,
        // built after the engine answered (unprobed, it would count 0 replicas and warn).
        if (this.parts.status.latest === null) {
          const { engine } = this.parts.driver
          if (!engine.connected) await engine.probe()
          await this.parts.status.build().catch(() => null)
        }
        return this.parts.broker.latest()
      },
      metricHistory: async (r) => ({
        samples: this.parts.broker.samples(r.sinceMs, r.limit),
        capacity: this.parts.broker.capacity
      }),
      lookup: async (r) => {
        const result = await (
          await this.parts.listings()
        ).lookup(r.id, r.source === undefined ? { refresh: r.refresh } : { refresh: r.refresh, source: r.source })
        this.parts.broker.lookupLatency.record(result.tookMs)
        return result
      },
      search: async (r) => (await this.parts.listings()).search(r.query, r.options),
      rpcCall: async (r) => {
        const client = await this.parts.rpc()
        const started = performance.now()
        const result = await client.call(r.service, r.method, r.args, r.kwargs, { timeoutMs: r.timeoutMs })
        return { result, tookMs: Math.round(performance.now() - started) }
      },
      rpcServices: async () => ({ services: await this.parts.broker.rpcServices() }),
      ...crawlHandlers({ crawls: this.parts.crawls, exportUrl: this.parts.exportUrl }),
      ...sourceHandlers(this.parts.sources ?? NO_SOURCES),
      ...watchHandlers(this.parts.watches ?? NO_WATCHES),
      ...savedSearchHandlers(this.parts.savedSearches ?? NO_SAVED_SEARCHES),
      ...fleetHandlers({
        engine: this.parts.driver.engine,
        serviceLimits: () => this.parts.status.serviceLimits(),
        notificationSettings: this.parts.notificationSettings ?? null
      }),
      ...autoscaleHandlers(this.parts.autoscaler)
    }
  }

  private get stack(): StackDriver['operations'] {
    return this.parts.driver.operations
  }

  /** Runs a stack operation with progress events under one operation id. */
  private async operation(
    operation: ProgressOperation,
    requestedId: string | undefined,
    run: (report: ProgressSink) => Promise<string[]>
  ): Promise<OperationResponse<'up'>> {
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
      this.parts.status.refresh()
      return { operationId, tookMs: Math.round(performance.now() - started), summary }
    } catch (err) {
      const error = toPanelError(err)
      report({ step: 'failed', service: null, container: null, state: 'failed', message: error.message, error })
      this.parts.status.refresh()
      throw err
    }
  }
}

/** A shell composed without an API client: every source operation says so. */
const noSources = (): Promise<never> =>
  Promise.reject(
    new ApiClientError(
      'SourcesUnavailable',
      'This panel has no API to ask for sources',
      'Start the stack (its api service keeps the sources).'
    )
  )
const NO_SOURCES: SourceClientView = {
  list: noSources,
  get: noSources,
  hosts: noSources,
  add: noSources,
  edit: noSources,
  setPaused: noSources,
  remove: noSources
}
