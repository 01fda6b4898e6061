/**
 * Keeps the stack status current and pushes it when it changes: the Docker events stream
 * (start, die, kill, health_status, …) triggers a refresh within milliseconds, and a
 * periodic full refresh covers events missed while a stream was down.
 */
import { EventEmitter } from 'node:events'
import type { StackStatus } from '../../shared/contract'
import type { DockerEngine } from './docker-engine'
import { LABEL } from './compose-labels'

export interface StatusMonitorOptions {
  engine: DockerEngine
  projectName: string
  build: () => Promise<StackStatus>
  /** Safety-net refresh interval. Default 5000 ms. */
  refreshMs?: number
  /** The events that mean "look again"; default the project's container events (the swarm driver adds its services'). */
  events?: () => Promise<NodeJS.ReadableStream>
  /**
   * Look again this long after an event too (default: not). A swarm reports a task's new
   * state a moment after its container's event, and no event says so: without a second
   * look the status would wait for the safety-net refresh.
   */
  settleMs?: number
}

type MonitorEvents = { status: [StackStatus] }

export class StatusMonitor extends EventEmitter<MonitorEvents> {
  private latest: StackStatus | null = null
  private signature = ''
  private running: Promise<void> | null = null
  private dirty = false
  private timer: NodeJS.Timeout | null = null
  private stream: NodeJS.ReadableStream | null = null
  /** An events request is under way: the engine's 'connected' and start() both ask for one. */
  private opening = false
  private stopped = false

  constructor(private readonly options: StatusMonitorOptions) {
    super()
    options.engine.on('state', (state) => {
      if (state.state === 'connected') this.openEvents()
      else this.closeEvents()
      this.refresh()
    })
  }

  async start(): Promise<StackStatus> {
    if (this.options.engine.connected) this.openEvents()
    const tick = (): void => {
      if (this.stopped) return
      this.timer = setTimeout(() => {
        this.refresh()
        tick()
      }, this.options.refreshMs ?? 5000)
      this.timer.unref()
    }
    tick()
    return this.current()
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.closeEvents()
  }

  /** The latest snapshot (building one if none yet). */
  async current(): Promise<StackStatus> {
    if (this.latest === null) this.refresh()
    while (this.running !== null) await this.running
    if (this.latest === null) throw new Error('status unavailable')
    return this.latest
  }

  /** Rebuilds now; concurrent requests coalesce into one more run after the current one. */
  refresh(): void {
    if (this.running !== null) {
      this.dirty = true
      return
    }
    this.running = this.run().finally(() => {
      this.running = null
      if (this.dirty && !this.stopped) {
        this.dirty = false
        this.refresh()
      }
    })
  }

  private async run(): Promise<void> {
    let status: StackStatus
    try {
      status = await this.options.build()
    } catch (err) {
      this.options.engine.reportFailure(err)
      return
    }
    this.latest = status
    const signature = signatureOf(status)
    if (signature !== this.signature) {
      this.signature = signature
      this.emit('status', status)
    }
  }

  private openEvents(): void {
    if (this.stream !== null || this.opening || this.stopped) return
    this.opening = true
    const { engine, projectName } = this.options
    const events = this.options.events ?? (() => engine.containerEvents(`${LABEL.project}=${projectName}`))
    events().then(
      (stream) => {
        this.opening = false
        if (this.stopped || !engine.connected) {
          destroy(stream)
          return
        }
        this.stream = stream
        // Any container event of ours means "look again"; the status is rebuilt whole.
        stream.on('data', () => {
          this.refresh()
          const settle = this.options.settleMs
          if (settle !== undefined) setTimeout(() => this.stopped || this.refresh(), settle).unref()
        })
        const lost = (): void => {
          if (this.stream !== stream) return
          this.stream = null
          void engine.probe().then((ok) => {
            if (ok) this.openEvents()
          })
        }
        stream.on('end', lost)
        stream.on('error', lost)
        stream.on('close', lost)
        this.refresh() // anything that happened before the stream opened
      },
      (err: unknown) => {
        this.opening = false
        engine.reportFailure(err)
      }
    )
  }

  private closeEvents(): void {
    const stream = this.stream
    this.stream = null
    if (stream !== null) destroy(stream)
  }
}

function destroy(stream: NodeJS.ReadableStream): void {
  ;(stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.()
}

/** What counts as a change: everything except the clock (updatedAt, uptime). */
function signatureOf(status: StackStatus): string {
  return JSON.stringify({
    ...status,
    updatedAt: null,
    engine: { ...status.engine, since: null },
    services: status.services.map((s) => ({ ...s, containers: s.containers.map((c) => ({ ...c, uptimeMs: null })) })),
    orphans: status.orphans.map((c) => ({ ...c, uptimeMs: null }))
  })
}
