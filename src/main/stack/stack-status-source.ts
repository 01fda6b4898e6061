/**
 * The stack's status in one place: built by the driver from the file as it loads now,
 * stamped with the driver's mode and capabilities, kept current by the status monitor, and
 * read by everyone who needs what runs — the controller (its status, the fleet's stats and
 * limits) and the broker monitor (running replicas beside each RPC queue).
 */
import type { PanelError, StackStatus } from '../../shared/contract'
import type { ServiceLimits } from '../../shared/fleet-stats'
import type { ComposeProject } from './compose-model'
import type { DockerEngine } from './docker-engine'
import type { StackDriver } from './drivers/stack-driver'
import { serviceLimits } from './service-limits'
import { StatusMonitor } from './status-monitor'

export interface StackStatusSourceOptions {
  engine: DockerEngine
  driver: Pick<StackDriver, 'mode' | 'capabilities' | 'status'>
  loadProject: () => ComposeProject
  projectName: string
  composeFile: string
  /** The panel's error value of a compose file that does not load. */
  toPanelError: (err: unknown) => PanelError
  /** Safety-net refresh interval (StatusMonitor's default when absent). */
  refreshMs?: number
}

export class StackStatusSource {
  private last: StackStatus | null = null
  private readonly monitor: StatusMonitor

  constructor(private readonly options: StackStatusSourceOptions) {
    const { driver } = options
    this.monitor = new StatusMonitor({
      engine: options.engine,
      projectName: options.projectName,
      build: () => this.build(),
      refreshMs: options.refreshMs,
      events: driver.status.events,
      settleMs: driver.status.settleMs
    })
  }

  /** A snapshot now; the latest one is kept for the readers below. */
  async build(): Promise<StackStatus> {
    let project: ComposeProject | null = null
    let composeError: PanelError | null = null
    try {
      project = this.options.loadProject()
    } catch (err) {
      composeError = this.options.toPanelError(err)
    }
    const { driver } = this.options
    const built = await driver.status.build({
      project,
      projectName: this.options.projectName,
      composeFile: this.options.composeFile,
      composeError
    })
    this.last = { ...built, driver: { mode: driver.mode, capabilities: driver.capabilities } }
    return this.last
  }

  /** The last snapshot built, null before the first. */
  get latest(): StackStatus | null {
    return this.last
  }

  /** A service's running replicas in the last snapshot (0 before one). */
  runningReplicas(serviceName: string): number {
    return this.last?.services.find((s) => s.name === serviceName)?.runningReplicas ?? 0
  }

  /** Each service's per-replica limits from the file; none when it does not load (the status shows the error). */
  serviceLimits(): Record<string, ServiceLimits> {
    try {
      return serviceLimits(this.options.loadProject())
    } catch {
      return {}
    }
  }

  start(): Promise<StackStatus> {
    return this.monitor.start()
  }

  stop(): void {
    this.monitor.stop()
  }

  refresh(): void {
    this.monitor.refresh()
  }

  on(event: 'status', listener: (status: StackStatus) => void): void {
    this.monitor.on(event, listener)
  }
}
