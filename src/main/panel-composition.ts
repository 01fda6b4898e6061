/**
 * The composition root: builds the real collaborators (Docker engine, engine driver, status
 * and broker monitors, the listings flow and the RPC client) from the panel's settings and
 * hands them to one PanelController. Every shell (Electron, web, CLI) and the integration
 * tests get their controller here, so there is one place where the real parts are wired.
 */
import type { ExportFormat } from '../shared/crawl'
import { CrawlClient } from './clients/crawl-client'
import { SourceClient } from './clients/source-client'
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

export interface Panel {
  controller: PanelController
  /** The real parts, for integration tests that look underneath the contract. */
  broker: BrokerMonitor
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
  const controller = new PanelController({
    settings,
    driver,
    status,
    broker,
    listings: () => listings.get(),
    rpc: () => rpc.get(),
    crawls: new CrawlClient({ baseUrl: settings.apiUrl }),
    sources,
    exportUrl: shell.exportUrl ?? webExportUrl,
    preflight: (services) => gate.preflight(loadProject(), services),
    notificationSettings: shell.notificationSettings ?? null,
    autoscaler: createAutoscaler({ settings, broker, target: driver.scaleTarget, hosts: sources })
  })
  return {
    controller,
    broker,
    close: async () => {
      await controller.close()
      await Promise.allSettled([listings.close(), rpc.close()])
    }
  }
}
