/**
 * The composition root: builds the real collaborators (Docker engine, orchestrator, status
 * and broker monitors, the listings flow and the RPC client) from the panel's settings and
 * hands them to one PanelController. Every shell (Electron, web, CLI) and the integration
 * tests get their controller here, so there is one place where the real parts are wired.
 */
import type { StackStatus } from '../shared/contract'
import type { ExportFormat } from '../shared/crawl'
import { CrawlClient } from './clients/crawl-client'
import { SourceClient } from './clients/source-client'
import { RpcClient } from '../services/rpc'
import { ListingsService, rpcScrape } from '../services/listings'
import { DockerEngine } from './stack/docker-engine'
import { StackOrchestrator } from './stack/stack-orchestrator'
import { StatusMonitor } from './stack/status-monitor'
import { loadComposeProject } from './stack/compose-file'
import { FileApprovals, HostAccessGate } from './stack/host-access-gate'
import type { HostAccessApprovals } from './stack/host-access-gate'
import type { ComposeProject } from './stack/compose-model'
import { BrokerMonitor } from './broker/broker-monitor'
import { PanelController } from './controller/panel-controller'
import type { EngineView, OrchestratorView } from './controller/panel-controller'
import { SwarmEngine } from './stack/swarm/swarm-engine'
import { SwarmEngineView } from './stack/swarm/swarm-engine-view'
import { SwarmOrchestrator } from './stack/swarm/swarm-orchestrator'
import { swarmFindings } from './stack/swarm/swarm-preflight'
import type { PanelSettings } from './config/panel-config'
import { LazyConnection } from './controller/lazy-connection'
import { toPanelError } from './error-values'
import type { NotificationSettingsStore } from './notifications/settings-file'
import { serviceLimits } from './stack/service-limits'
import { createAutoscaler } from './autoscale/create-autoscaler'
import { stackScaleTarget } from './autoscale/stack-scale-target'
import { swarmScaleTarget } from './autoscale/swarm-scale-target'
import type { ScaleTarget } from './autoscale/autoscaler'

export interface Panel {
  controller: PanelController
  /** The real parts, for integration tests that look underneath the contract. */
  broker: BrokerMonitor
  /** Stops watching and closes every connection the panel opened. */
  close(): Promise<void>
}

/** The web shell's download path of a crawl's export (served by src/main/web/export-route.ts). */
export function webExportUrl(id: string, format: ExportFormat): string {
  return `/exports/crawls/${encodeURIComponent(id)}?format=${format}`
}

export interface PanelShellOptions {
  /** Where this shell's client downloads a crawl's export; the web shell's path by default. */
  exportUrl?: (id: string, format: ExportFormat) => string
  /** Where accepted host access is remembered; settings.hostAccessFile by default (the CLI keeps it in memory). */
  approvals?: HostAccessApprovals
  /** The desktop app keeps notification settings in a file; the web shell in the browser (none here). */
  notificationSettings?: NotificationSettingsStore
}

export function createPanel(settings: PanelSettings, shell: PanelShellOptions = {}): Panel {
  const engine = new DockerEngine({ endpoint: settings.dockerEndpoint })
  const loadProject = (): ComposeProject =>
    loadComposeProject({ file: settings.composeFile, project: settings.project, envFiles: settings.envFiles, compat: settings.composeCompat })
  const swarm = settings.mode === 'swarm' ? new SwarmEngine(engine) : null
  const gate = new HostAccessGate(
    shell.approvals ?? new FileApprovals(settings.hostAccessFile),
    swarm === null ? undefined : (project, services) => swarmFindings(project, { services, publish: settings.swarmPublish })
  )
  const admit = (project: ComposeProject, services: string[], allow: string | undefined): void => gate.admit(project, services, allow)
  const options = { loadProject, projectName: settings.project, upTimeoutMs: settings.upTimeoutMs, admit }
  // The engine driver: containers on this engine (Compose's way), or a stack on its swarm,
  // with the scale target an autoscaler drives it through. Its scale steps report nowhere:
  // its decisions are the record.
  const noReport = (): void => undefined
  const target = { loadProject, projectName: settings.project, report: noReport }
  let compose: StackOrchestrator | null = null
  let orchestrator: OrchestratorView
  let scaleTarget: ScaleTarget
  if (swarm === null) {
    compose = new StackOrchestrator({ ...options, runtime: engine })
    orchestrator = compose
    scaleTarget = stackScaleTarget({ ...target, runtime: engine, orchestrator: compose })
  } else {
    const onSwarm = new SwarmOrchestrator({
      ...options,
      engine,
      swarm,
      relayImage: settings.swarmRelayImage,
      registryImage: settings.swarmRegistryImage,
      registry: settings.swarmRegistry,
      publish: settings.swarmPublish
    })
    orchestrator = onSwarm
    scaleTarget = swarmScaleTarget({ ...target, swarm, orchestrator: onSwarm })
  }
  const engineView: EngineView = swarm === null ? engine : new SwarmEngineView(engine, swarm)

  const buildStatus = async (): Promise<StackStatus> => {
    let project: ComposeProject | null = null
    let composeError = null
    try {
      project = loadProject()
    } catch (err) {
      composeError = toPanelError(err)
    }
    const request = { project, projectName: settings.project, composeFile: settings.composeFile, composeError }
    if (swarm !== null) return swarm.buildStatus(request)
    return engine.buildStatus({ ...request, desiredReplicas: (s, n) => compose?.desiredReplicas(s, n) ?? n })
  }
  const monitor = new StatusMonitor({
    engine,
    projectName: settings.project,
    build: buildStatus,
    refreshMs: settings.statusRefreshMs,
    events: swarm === null ? undefined : () => swarm.events(settings.project),
    settleMs: swarm === null ? undefined : 500
  })
  const status = Object.assign(monitor, { build: buildStatus })

  let controller: PanelController | null = null
  const broker = new BrokerMonitor({
    management: { url: settings.managementUrl, username: settings.managementUser, password: settings.managementPassword },
    amqpUri: settings.amqpUri,
    intervalMs: settings.metricsIntervalMs,
    replicas: () =>
      Object.entries(settings.rpcServices).map(([service, rpcService]) => ({ service, rpcService, running: controller?.runningReplicas(service) ?? 0 }))
  })

  const rpc = new LazyConnection(
    () => RpcClient.connect({ amqpUri: settings.amqpUri, connectionName: 'scrapedeck-panel' }),
    (client) => client.close()
  )
  const listings = new LazyConnection(
    async () => {
      const service = new ListingsService({
        elasticsearchUrl: settings.elasticsearchUrl,
        index: settings.listingsIndex,
        scrape: async (id, source) => rpcScrape(await rpc.get(), settings.scraperService)(id, source)
      })
      await service.start()
      return service
    },
    (service) => service.close()
  )

  controller = new PanelController({
    settings,
    engine: engineView,
    orchestrator,
    status,
    broker,
    listings: () => listings.get(),
    rpc: () => rpc.get(),
    crawls: new CrawlClient({ baseUrl: settings.apiUrl }),
    sources: new SourceClient({ baseUrl: settings.apiUrl }),
    exportUrl: shell.exportUrl ?? webExportUrl,
    preflight: (services) => gate.preflight(loadProject(), services),
    // A compose file that does not load leaves the host line without limits (the status shows the error).
    serviceLimits: () => {
      try {
        return serviceLimits(loadProject())
      } catch {
        return {}
      }
    },
    notificationSettings: shell.notificationSettings ?? null,
    // Scale-down stops the chosen idle replicas with the compose driver; on a swarm, swarm picks which tasks go.
    autoscaler: createAutoscaler({ settings, broker, target: scaleTarget })
  })
  const built = controller
  return {
    controller: built,
    broker,
    close: async () => {
      await built.close()
      await Promise.allSettled([listings.close(), rpc.close()])
    }
  }
}
