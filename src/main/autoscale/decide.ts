/**
 * The autoscaling rule, as a pure function of one evaluation's inputs, after KEDA's RabbitMQ
 * scaler and the Kubernetes HPA's algorithm:
 *
 *   backlog     = ready + unacked on the service's queue, but no more than the requests the
 *                 crawler could have in flight now (each host at most its maxInFlight, none
 *                 while it backs off: src/shared/dispatchable-work.ts), so work that the
 *                 hosts' limits hold back asks for no scrapers
 *   raw         = ceil(backlog ÷ target)            (idle, backlog ≤ activation: min)
 *   recommended = raw clamped to [min, max] and to the host ceiling (which caps growth only)
 *   up          at once, at most +max(100 %, 4) replicas per step          (HPA's default policy)
 *   down        only to the highest recommendation of the stabilization window, clamped to
 *               [min, max], and only when that is more than 10 % below current   (HPA's tolerance)
 *
 * The caller keeps the window's recommendations (pruneWindow) and records each decision.
 */
import type { AutoscaleDecision, AutoscaleSettings, HostCeiling } from '../../shared/autoscale'
import type { DispatchableWork } from '../../shared/dispatchable-work'

/** A change of 10 % or less is not worth a scale-down (the HPA's default tolerance). */
const TOLERANCE = 0.1
/** Scale-up adds at most max(100 % of current, 4) replicas per step (the HPA's default policy). */
const SCALE_UP_PODS = 4

export interface Recommendation {
  at: number
  replicas: number
}

export interface DecisionInput {
  at: number
  service: string
  queue: string
  settings: Pick<AutoscaleSettings, 'min' | 'max' | 'target' | 'activationBacklog' | 'stabilizationSeconds'>
  /** The queue's figures from the broker; null when the broker gave none. */
  figures: { ready: number; unacked: number } | null
  /** What the crawler could dispatch now (dispatchable-work.ts); null when it gave none. */
  dispatchable: DispatchableWork | null
  /** Running replicas now. */
  current: number
  hostCeiling: HostCeiling | null
  /** Earlier recommendations; those older than the window are ignored. */
  window: readonly Recommendation[]
}

/** The most a step may scale up to from `current`. */
export function scaleUpLimit(current: number): number {
  return current + Math.max(current, SCALE_UP_PODS)
}

/** The recommendations still inside the window at `at`, plus the new one. */
export function pruneWindow(
  window: readonly Recommendation[],
  at: number,
  stabilizationSeconds: number,
  next?: Recommendation
): Recommendation[] {
  const since = at - stabilizationSeconds * 1000
  const kept = window.filter((r) => r.at > since && r.at <= at)
  return next === undefined ? kept : [...kept, next]
}

export function decide(input: DecisionInput): AutoscaleDecision {
  const { settings, current, at } = input
  const base = {
    at,
    service: input.service,
    queue: input.queue,
    current,
    target: settings.target,
    hostCeiling: input.hostCeiling,
    dispatchable: input.dispatchable?.total ?? null,
    stopped: [],
    outcome: null
  }
  if (input.figures === null) {
    return {
      ...base,
      ready: 0,
      unacked: 0,
      backlog: 0,
      active: false,
      formula: 'no queue figures',
      raw: current,
      clamp: null,
      recommended: current,
      stabilized: current,
      desired: current,
      action: 'none',
      rule: 'no-metrics',
      reason: `The broker gave no figures for ${input.queue}: ${current} kept`
    }
  }
  const { ready, unacked } = input.figures
  const queued = ready + unacked
  const limit = input.dispatchable
  const held = limit !== null && limit.total < queued
  const backlog = held ? limit.total : queued
  const active = backlog > settings.activationBacklog
  const raw = active ? Math.ceil(backlog / settings.target) : settings.min
  const counted = held
    ? `min(${ready} ready + ${unacked} unacked, ${limit.total} dispatchable now${heldBy(limit)})`
    : `(${ready} ready + ${unacked} unacked)`
  const formula = active
    ? `ceil(${counted} ÷ ${settings.target}) = ${raw}`
    : `backlog ${held ? `${counted} = ` : ''}${backlog} ≤ activation ${settings.activationBacklog}: idle, min ${settings.min}`
  const { recommended, clamp } = clampRecommendation(raw, settings, current, input.hostCeiling)
  const inputs = { ...base, ready, unacked, backlog, active, formula, raw, clamp, recommended }

  if (recommended > current) {
    const limit = scaleUpLimit(current)
    const desired = Math.min(recommended, limit)
    const limited = desired < recommended
    return {
      ...inputs,
      stabilized: recommended,
      desired,
      action: 'up',
      rule: limited ? 'scale-up-limited' : 'scale-up',
      reason: limited
        ? `Scale up at once, limited to +max(100 %, ${SCALE_UP_PODS}) = +${limit - current} this step: ${current} → ${desired} (of ${recommended})`
        : `Scale up at once: ${current} → ${desired}`
    }
  }

  const inWindow = pruneWindow(input.window, at, settings.stabilizationSeconds)
  const highest = inWindow.reduce<Recommendation>((best, r) => (r.replicas > best.replicas ? r : best), {
    at,
    replicas: recommended
  })
  const stabilized = clampToBounds(highest.replicas, settings)
  const windowText = `${settings.stabilizationSeconds} s`
  if (recommended === current) {
    return {
      ...inputs,
      stabilized,
      desired: current,
      action: 'none',
      rule: 'steady',
      reason: `At the recommendation: ${current} kept`
    }
  }
  if (stabilized >= current) {
    const ago = Math.round((at - highest.at) / 1000)
    return {
      ...inputs,
      stabilized,
      desired: current,
      action: 'none',
      rule: 'stabilizing',
      reason: `Stabilizing: ${highest.replicas} was recommended ${ago} s ago, within the last ${windowText}; ${current} kept until it leaves the window`
    }
  }
  const change = (current - stabilized) / current
  if (change <= TOLERANCE) {
    return {
      ...inputs,
      stabilized,
      desired: current,
      action: 'none',
      rule: 'within-tolerance',
      reason: `${current} → ${stabilized} is a change of ${Math.round(change * 100)} %, not over ${TOLERANCE * 100} %: ${current} kept`
    }
  }
  return {
    ...inputs,
    stabilized,
    desired: stabilized,
    action: 'down',
    rule: 'scale-down',
    reason: `Scale down to the highest recommendation of the last ${windowText}: ${current} → ${stabilized}`
  }
}

/** ": 3 hosts at their limit, 1 backing off" */
function heldBy(work: DispatchableWork): string {
  const parts = [
    work.hostsAtLimit > 0 ? `${work.hostsAtLimit} host${work.hostsAtLimit === 1 ? ' at its' : 's at their'} limit` : '',
    work.hostsHeld > 0 ? `${work.hostsHeld} backing off` : ''
  ].filter((p) => p !== '')
  return parts.length === 0 ? '' : `: ${parts.join(', ')}`
}

function clampToBounds(replicas: number, settings: Pick<AutoscaleSettings, 'min' | 'max'>): number {
  return Math.min(settings.max, Math.max(settings.min, replicas))
}

/**
 * [min, max] first; then the host ceiling, which only keeps the service from growing past
 * what the host can hold: it never takes running replicas away, nor goes below min.
 */
function clampRecommendation(
  raw: number,
  settings: Pick<AutoscaleSettings, 'min' | 'max'>,
  current: number,
  host: HostCeiling | null
): { recommended: number; clamp: AutoscaleDecision['clamp'] } {
  if (raw < settings.min) return { recommended: settings.min, clamp: 'min' }
  const hostCap = host === null ? Infinity : Math.max(settings.min, current, host.replicas)
  if (raw > settings.max && settings.max <= hostCap) return { recommended: settings.max, clamp: 'max' }
  if (raw > hostCap) return { recommended: hostCap, clamp: 'host' }
  return { recommended: raw, clamp: null }
}
