/**
 * The composition root: builds the real collaborators (Docker engine, engine driver, status
 * and broker monitors, the listings flow and the RPC client) from the panel's settings and
 * hands them to one PanelController. Every shell (Electron, web, CLI) and the integration
 * tests get their controller here, so there is one place where the real parts are wired.
 */
import type { ExportFormat } from '../shared/crawl'
import { CrawlClient } from './clients/crawl-client'
import { SourceClient } from './clients/source-client'
import { SavedSearchClient } from './clients/saved-search-client'
import { WatchClient } from './clients/watch-client'
import { RpcClient } from '../services/rpc'
import { ListingsService, rpcScrape } from '../services/listings'
import { DockerEngine } from './stack/docker-engine'
import { loadComposeProject } from './stack/compose-file'
import { FileApprovals, HostAccessGate } from './stack/host-access-gate'
import type { HostAccessApprovals } from './stack/host-access-gate'
import type { ComposeProject } from './stack/compose-model'
import { DRIVERS } from './stack/drivers/driver-registry'
import { StackStatusSource } from './stack/stack-status-source'
import { BrokerMonitor } from './broker/broker-monitor'
import { PanelController } from './controller/panel-controller'
import type { PanelSettings } from './config/panel-config'
import { LazyConnection } from './controller/lazy-connection'
import { toPanelError } from './error-values'
import type { NotificationSettingsStore } from './notifications/settings-file'
import { createAutoscaler } from './autoscale/create-autoscaler'
import { addLogSecrets, setLogIdentity } from '../services/log'
import { fleetMetricsRegistry } from './metrics/fleet-metrics'
import { listenForMetrics } from './metrics/metrics-listener'
import type { MetricsListener } from './metrics/metrics-listener'

export interface Panel {
  controller: PanelController
  /** The real parts, for integration tests that look underneath the contract. */
  broker: BrokerMonitor
  /** The fleet metrics' listener (DECK_PROMETHEUS_PORT), once it listens; null when not asked for or the port was taken. */
  metrics: Promise<MetricsListener | null>
  /** Stops watching and closes every connection the panel opened. */
  close(): Promise<void>
}

/** The web shell's download path of a crawl's export (served by src/main/web/export-route.ts). */
function webExportUrl(id: string, format: ExportFormat): string {
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
  // The panel's own lines (autoscale, …) name it and mask the stack's passwords as a service's do.
  setLogIdentity({ service: 'panel' })
  addLogSecrets(settings.secrets)
  const engine = new DockerEngine({ endpoint: settings.dockerEndpoint })
  const loadProject = (): ComposeProject =>
    loadComposeProject({
      file: settings.composeFile,
      project: settings.project,
      envFiles: settings.envFiles,
      compat: settings.composeCompat
    })
  // The engine driver for the mode: containers on this engine (Compose's way), or a stack on its swarm.
  const chosen = DRIVERS[settings.mode]
  const gate = new HostAccessGate(
    shell.approvals ?? new FileApprovals(settings.hostAccessFile),
    chosen.findings?.(settings)
  )
  const driver = chosen.create({
    engine,
    settings,
    loadProject,
    admit: (project, services, allow) => gate.admit(project, services, allow)
  })
  const status = new StackStatusSource({
    engine,
    driver,
    loadProject,
    projectName: settings.project,
    composeFile: settings.composeFile,
    toPanelError,
    refreshMs: settings.statusRefreshMs
  })
  const broker = new BrokerMonitor({
    management: {
      url: settings.managementUrl,
      username: settings.managementUser,
      password: settings.managementPassword
    },
    amqpUri: settings.amqpUri,
    intervalMs: settings.metricsIntervalMs,
    replicas: () =>
      Object.entries(settings.rpcServices).map(([service, rpcService]) => ({
        service,
        rpcService,
        running: status.runningReplicas(service)
      }))
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

  const sources = new SourceClient({ baseUrl: settings.apiUrl })
  const autoscaler = createAutoscaler({ settings, broker, target: driver.scaleTarget, hosts: sources })
  const controller = new PanelController({
    settings,
    driver,
    status,
    broker,
    listings: () => listings.get(),
    rpc: () => rpc.get(),
    crawls: new CrawlClient({ baseUrl: settings.apiUrl }),
    sources,
    watches: new WatchClient({ baseUrl: settings.apiUrl }),
    savedSearches: new SavedSearchClient({ baseUrl: settings.apiUrl }),
    exportUrl: shell.exportUrl ?? webExportUrl,
    preflight: (services) => gate.preflight(loadProject(), services),
    notificationSettings: shell.notificationSettings ?? null,
    autoscaler
  })
  const metrics = servePanelMetrics(settings.prometheusPort, broker, autoscaler)
  return {
    controller,
    broker,
    metrics: metrics.then((m) => m?.listener ?? null),
    close: async () => {
      await controller.close()
      await Promise.allSettled([listings.close(), rpc.close(), metrics.then((m) => m?.close())])
    }
  }
}

/** Fleet metrics on 127.0.0.1:port when a port is set; a port in use is reported, not fatal to the panel. */
async function servePanelMetrics(
  port: number | undefined,
  broker: BrokerMonitor,
  autoscaler: ReturnType<typeof createAutoscaler>
): Promise<{ listener: MetricsListener; close: () => Promise<void> } | null> {
  if (port === undefined) return null
  const fleet = fleetMetricsRegistry({ broker, autoscaler })
  try {
    const listener = await listenForMetrics(fleet.registry, port)
    return { listener, close: async () => (fleet.stop(), await listener.close()) }
  } catch (err) {
    fleet.stop()
    console.error(`scrapedeck: fleet metrics not served on 127.0.0.1:${port}: ${(err as Error).message}`)
    return null
  }
}
