/**
 * Runs the autoscaling rule (decide.ts) for each service the user turned it on for: every
 * interval it reads the queue's backlog and the running replicas, decides, and scales through
 * a ScaleTarget — up through the stack's scale, down by stopping only replicas with nothing
 * unacked (pick-idle.ts), gracefully. Every decision is logged with its inputs, formula,
 * clamp and cooldown, kept (bounded) for autoscaleGet, and emitted as `decision`.
 * Off for every service until configured; evaluations of one service never overlap.
 */
import type { DispatchableWork } from '../../shared/dispatchable-work'
import { EventEmitter } from 'node:events'
import { AUTOSCALE_DEFAULTS, AutoscaleSettingsSchema } from '../../shared/autoscale'
import type {
  AutoscaleDecision,
  AutoscaleSettings,
  AutoscaleSettingsPatch,
  AutoscaleState
} from '../../shared/autoscale'
import type { ConsumerLoad } from '../broker/consumer-load'
import { RingBuffer } from '../broker/ring-buffer'
import { StackError } from '../stack/stack-error'
import type { Logger } from '../../services/log'
import { decide, pruneWindow } from './decide'
import type { Recommendation } from './decide'
import { hostCeiling } from './host-ceiling'
import { pickIdleReplicas } from './pick-idle'
import type { ReplicaRef } from './pick-idle'

/** What the autoscaler scales: the stack's containers in the panel, processes in a test. */
export interface ScaleTarget {
  /** The service's running replicas, oldest first. */
  running(service: string): Promise<ReplicaRef[]>
  /** Brings the service up to `replicas` (only ever called to add). */
  scaleUp(service: string, replicas: number): Promise<void>
  /** Stops these replicas gracefully (their calls finish and are acked first). */
  stop(service: string, replicas: ReplicaRef[]): Promise<void>
  /** What one replica may take (compose `cpus` / `mem_limit`), for the host ceiling. */
  perReplica(service: string): { cpus: number | null; memoryBytes: number | null }
}

export interface AutoscalerOptions {
  target: ScaleTarget
  /** The RPC queue a service's replicas consume; null for a service that serves none (it cannot be autoscaled). */
  queueOf: (service: string) => string | null
  /** The queue's ready and unacked messages now (from the broker monitor); null when unknown. */
  figures: (queue: string) => Promise<{ ready: number; unacked: number } | null>
  consumers: (queue: string) => Promise<ConsumerLoad[]>
  /**
   * What the crawler could dispatch now for this service's replicas, host by host
   * (src/shared/dispatchable-work.ts); null when unknown or not a crawler's. Absent: the
   * queue's backlog alone decides.
   */
  dispatchable?: (service: string) => Promise<DispatchableWork | null>
  host: () => { cores: number; freeMemoryBytes: number }
  logger: Logger
  now?: () => number
  /** Decisions kept per service. Default 720 (an hour at 5 s). */
  keep?: number
}

interface ServiceState {
  settings: AutoscaleSettings
  window: Recommendation[]
  /** The window starts with the replicas found when autoscaling was turned on: no scale-down before a whole window was watched. */
  seeded: boolean
  decisions: RingBuffer<AutoscaleDecision>
  timer: NodeJS.Timeout | null
  evaluating: Promise<AutoscaleDecision> | null
}

type AutoscalerEvents = { decision: [AutoscaleDecision]; settings: [{ service: string; settings: AutoscaleSettings }] }

export class Autoscaler extends EventEmitter<AutoscalerEvents> {
  private readonly services = new Map<string, ServiceState>()
  private closed = false

  constructor(private readonly options: AutoscalerOptions) {
    super()
  }

  state(service: string, limit = 50): AutoscaleState {
    const s = this.stateOf(service)
    return { service, settings: s.settings, decisions: s.decisions.toArray().slice(-limit) }
  }

  /** Merges the patch over the service's settings, checks them whole, and starts or stops its loop. */
  configure(service: string, patch: AutoscaleSettingsPatch): AutoscaleState {
    const s = this.stateOf(service)
    const parsed = AutoscaleSettingsSchema.safeParse({ ...s.settings, ...patch })
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new StackError(
        'InvalidRequest',
        `Autoscale settings of ${service}: ${issue?.path.join('.') || 'settings'}: ${issue?.message ?? 'invalid'}`,
        `Now: min ${s.settings.min}, max ${s.settings.max}`
      )
    }
    const wasEnabled = s.settings.enabled
    s.settings = parsed.data
    this.options.logger.info('autoscale settings', { scaledService: service, ...s.settings })
    this.emit('settings', { service, settings: s.settings })
    if (!s.settings.enabled) {
      this.stopLoop(s)
      s.window = []
      s.seeded = false
    } else if (!wasEnabled) {
      this.schedule(service, s, 0)
    }
    return this.state(service)
  }

  /** One evaluation now (the loop's step; tests call it directly). */
  evaluate(service: string): Promise<AutoscaleDecision> {
    const s = this.stateOf(service)
    s.evaluating ??= this.runEvaluation(service, s).finally(() => {
      s.evaluating = null
    })
    return s.evaluating
  }

  /** Stops every loop and waits for evaluations under way (a scale step in flight finishes). */
  async close(): Promise<void> {
    this.closed = true
    for (const s of this.services.values()) this.stopLoop(s)
    await Promise.allSettled([...this.services.values()].map((s) => s.evaluating))
  }

  private stateOf(service: string): ServiceState {
    let s = this.services.get(service)
    if (s === undefined) {
      if (this.options.queueOf(service) === null) {
        throw new StackError(
          'UnknownService',
          `${service} serves no RPC queue, so it has no backlog to scale from`,
          'Autoscale a service listed in DECK_RPC_SERVICES (the scraper by default).'
        )
      }
      s = {
        settings: { ...AUTOSCALE_DEFAULTS },
        window: [],
        seeded: false,
        decisions: new RingBuffer(this.options.keep ?? 720),
        timer: null,
        evaluating: null
      }
      this.services.set(service, s)
    }
    return s
  }

  private stopLoop(s: ServiceState): void {
    if (s.timer !== null) clearTimeout(s.timer)
    s.timer = null
  }

  private schedule(service: string, s: ServiceState, delayMs: number): void {
    this.stopLoop(s)
    s.timer = setTimeout(() => {
      s.timer = null
      void this.evaluate(service)
        .catch((err: unknown) =>
          this.options.logger.warn('autoscale evaluation failed', {
            scaledService: service,
            error: (err as Error).message
          })
        )
        .finally(() => {
          if (!this.closed && s.settings.enabled && s.timer === null)
            this.schedule(service, s, s.settings.intervalSeconds * 1000)
        })
    }, delayMs)
  }

  private async runEvaluation(service: string, s: ServiceState): Promise<AutoscaleDecision> {
    const { target } = this.options
    const queue = this.options.queueOf(service) as string
    const at = this.now()
    const [running, figures, dispatchable] = await Promise.all([
      target.running(service),
      this.options.figures(queue).catch(() => null),
      this.options.dispatchable?.(service).catch(() => null) ?? null
    ])
    if (!s.seeded) {
      s.window = [{ at, replicas: running.length }]
      s.seeded = true
    }
    const per = target.perReplica(service)
    const host = this.options.host()
    const ceiling = hostCeiling({
      cores: host.cores,
      freeMemoryBytes: host.freeMemoryBytes,
      current: running.length,
      cpusPerReplica: per.cpus,
      memoryPerReplicaBytes: per.memoryBytes
    })
    const decision = decide({
      at,
      service,
      queue,
      settings: s.settings,
      figures,
      dispatchable,
      current: running.length,
      hostCeiling: ceiling,
      window: s.window
    })
    if (figures !== null)
      s.window = pruneWindow(s.window, at, s.settings.stabilizationSeconds, { at, replicas: decision.recommended })
    const done = await this.apply(service, queue, decision, running)
    s.decisions.push(done)
    this.options.logger.info('autoscale decision', { ...done })
    this.emit('decision', done)
    return done
  }

  /** Carries the decision out; what happened goes into its `stopped` and `outcome`. */
  private async apply(
    service: string,
    queue: string,
    decision: AutoscaleDecision,
    running: ReplicaRef[]
  ): Promise<AutoscaleDecision> {
    const { target } = this.options
    try {
      if (decision.action === 'up') {
        await target.scaleUp(service, decision.desired)
        return decision
      }
      if (decision.action !== 'down') return decision
      const pick = pickIdleReplicas(running, await this.options.consumers(queue), decision.current - decision.desired)
      if (pick.chosen.length > 0)
        await target.stop(
          service,
          pick.chosen.map((c) => c.ref)
        )
      const stopped = pick.chosen.map((c) => ({ replica: c.ref.name, unacked: c.unacked }))
      const wanted = decision.current - decision.desired
      const outcome =
        pick.chosen.length === wanted
          ? null
          : `Stopped ${pick.chosen.length} of ${wanted}: ${pick.busy.length} replicas have calls in flight (${pick.busy.map((b) => `${b.ref.name} ${b.unacked ?? '?'} unacked`).join(', ')}) and are left for a later evaluation`
      return { ...decision, stopped, outcome }
    } catch (err) {
      return { ...decision, outcome: `Failed: ${(err as Error).message}` }
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now()
  }
}
