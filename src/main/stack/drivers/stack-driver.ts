/**
 * What the panel needs of an engine driver, and what a driver needs to be built. The
 * controller, the status and the autoscaler see a StackDriver and nothing of the engine under
 * it; driver-registry.ts picks one by the panel's mode. A new driver is a folder beside
 * compose/ and swarm/ with a DriverModule, and one line in the registry.
 */
import type {
  ContainerStats,
  DeckMode,
  DriverCapabilities,
  EngineConnectivity,
  LogLine,
  PanelError,
  StackStatus
} from '../../../shared/contract'
import type { ScaleTarget } from '../../autoscale/autoscaler'
import type { ComposeProject } from '../compose-model'
import type { DockerEngine } from '../docker-engine'
import type { EngineHost } from '../engine-host'
import type { LogSource } from '../container-logs'
import type { DriverFindings } from '../host-access-gate'
import type { ProjectContainer } from '../project-containers'
import type { ProgressSink } from '../stack-error'
import type { RegistryAddress } from './swarm/swarm-registry'
import type { SwarmPublish } from './swarm/swarm-preflight'

export type { DeckMode }

export interface UpOptions {
  /** The fileHash of the pre-flight the user accepted. */
  allowHostAccess?: string
}

/** The lifecycle of a stack; each operation reports its steps and resolves to its summary lines. */
export interface StackOperations {
  up(services: string[] | undefined, report: ProgressSink, options?: UpOptions): Promise<string[]>
  down(options: { removeVolumes: boolean }, report: ProgressSink): Promise<string[]>
  scale(serviceName: string, replicas: number, report: ProgressSink): Promise<string[]>
  startService(serviceName: string, report: ProgressSink): Promise<string[]>
  stopService(serviceName: string, report: ProgressSink): Promise<string[]>
  restartService(serviceName: string, report: ProgressSink): Promise<string[]>
}

/** A rolling update of one service to its image as it is now (rebuilt, where it has `build:`). */
export interface RollingUpdate {
  updateService(serviceName: string, report: ProgressSink): Promise<string[]>
}

/**
 * The engine as the controller sees it: whether it answers, a service's replicas (as
 * containers: a swarm's are its tasks), their logs and stats, and the host line.
 */
export interface EngineView {
  readonly connected: boolean
  probe(): Promise<boolean>
  requireConnected(): Promise<void>
  start(): Promise<EngineConnectivity>
  stop(): void
  on(event: 'state', listener: (state: EngineConnectivity) => void): unknown
  /** The stack's replicas (of one service), lowest number first. */
  listContainers(project: string, serviceName?: string): Promise<ProjectContainer[]>
  tailLogs(sources: LogSource[], tail: number): Promise<LogLine[]>
  followLogs(
    source: LogSource,
    sinceSeconds: number,
    onLine: (line: LogLine) => void,
    onEnd: (reason: string) => void
  ): Promise<() => void>
  containerStats(source: LogSource): Promise<ContainerStats>
  followStats(
    source: LogSource,
    onReading: (reading: ContainerStats) => void,
    onEnd: (reason: string) => void
  ): Promise<() => void>
  host(): Promise<EngineHost>
}

/** What a status is built from: the file as loaded now (null, with its error, when it does not load). */
export interface StatusRequest {
  project: ComposeProject | null
  projectName: string
  composeFile: string
  composeError: PanelError | null
}

/** The stack's status as the driver's engine has it (the driver's own line is added by stack-status-source.ts). */
export type EngineStatus = Omit<StackStatus, 'driver'>

interface DriverStatus {
  build(request: StatusRequest): Promise<EngineStatus>
  /** The events that mean "look again"; absent: the project's container events. */
  events?: () => Promise<NodeJS.ReadableStream>
  /** Look again this long after an event too (an engine that reports a change a moment after its event). */
  settleMs?: number
}

export interface StackDriver {
  readonly mode: DeckMode
  readonly capabilities: DriverCapabilities
  readonly operations: StackOperations
  /** Non-null exactly when capabilities.rollingUpdate. */
  readonly rollingUpdate: RollingUpdate | null
  readonly engine: EngineView
  readonly status: DriverStatus
  /** The autoscaler's handle on a service's replicas; its steps report nowhere (its decisions are the record). */
  readonly scaleTarget: ScaleTarget
}

/** The panel's settings a driver reads (PanelSettings has them all). */
interface DriverSettings {
  project: string
  upTimeoutMs?: number
  swarmPublish: SwarmPublish
  swarmRelayImage: string
  swarmRegistryImage: string
  swarmRegistry: RegistryAddress
}

/** What every driver is built from: the engine connection, the file, the gate. */
interface DriverParts {
  engine: DockerEngine
  settings: DriverSettings
  loadProject: () => ComposeProject
  admit: (project: ComposeProject, services: string[], allowHostAccess: string | undefined) => void
}

/** A driver as the registry knows it: its pre-flight findings beyond the host-access ones, and how to build it. */
export interface DriverModule {
  findings?: (settings: DriverSettings) => DriverFindings
  create(parts: DriverParts): StackDriver
}
