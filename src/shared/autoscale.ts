/**
 * Autoscaling a compose service from its RPC queue's backlog: the settings a user sets per
 * service and the decision the autoscaler records on every evaluation (the rule, after KEDA's
 * queue scaler and the Kubernetes HPA, is in src/main/autoscale/decide.ts). Shared by main,
 * the renderer and the CLI; no Node imports.
 */
import { z } from 'zod'

/** The bounds a setting may take, written once (the contract, the CLI and the UI's inputs use them). */
export const AUTOSCALE_LIMITS = {
  maxReplicas: 32,
  maxTarget: 100_000,
  /** 1 s..1 h: tests use a few seconds, the default is 300 s as in the HPA. */
  minStabilizationSeconds: 1,
  maxStabilizationSeconds: 3600,
  minIntervalSeconds: 1,
  maxIntervalSeconds: 300
} as const

export const AUTOSCALE_DEFAULTS = {
  enabled: false,
  min: 1,
  max: 8,
  target: 50,
  activationBacklog: 0,
  stabilizationSeconds: 300,
  intervalSeconds: 5
} as const

const replicas = z.number().int().min(0).max(AUTOSCALE_LIMITS.maxReplicas)

const AutoscaleSettingsShape = z.object({
  /** Off by default: a service is autoscaled only when the user turns it on. */
  enabled: z.boolean(),
  min: replicas,
  max: replicas,
  /** Backlog (ready + unacked messages) one replica is meant to carry. */
  target: z.number().int().min(1).max(AUTOSCALE_LIMITS.maxTarget),
  /** At or below this backlog the service is idle and goes to `min` after the window. */
  activationBacklog: z.number().int().min(0).max(AUTOSCALE_LIMITS.maxTarget),
  /** Scale-down goes only to the highest recommendation of this many last seconds. */
  stabilizationSeconds: z
    .number()
    .int()
    .min(AUTOSCALE_LIMITS.minStabilizationSeconds)
    .max(AUTOSCALE_LIMITS.maxStabilizationSeconds),
  /** How often the backlog is evaluated. */
  intervalSeconds: z.number().int().min(AUTOSCALE_LIMITS.minIntervalSeconds).max(AUTOSCALE_LIMITS.maxIntervalSeconds)
})

const minNotAboveMax = (s: { min?: number; max?: number }): boolean =>
  s.min === undefined || s.max === undefined || s.min <= s.max
const MIN_ABOVE_MAX = { message: 'min must not be above max', path: ['min'] }

export const AutoscaleSettingsSchema = AutoscaleSettingsShape.refine(minNotAboveMax, MIN_ABOVE_MAX)
export type AutoscaleSettings = z.infer<typeof AutoscaleSettingsSchema>

/** A change to some of the settings (merged over the current ones, then checked whole). */
export const AutoscaleSettingsPatchSchema = AutoscaleSettingsShape.partial().strict()
export type AutoscaleSettingsPatch = z.infer<typeof AutoscaleSettingsPatchSchema>

const AUTOSCALE_ACTIONS = ['up', 'down', 'none'] as const
const AutoscaleActionSchema = z.enum(AUTOSCALE_ACTIONS)

/** Which bound the raw recommendation hit, if any. */
const CLAMP_BOUNDS = ['min', 'max', 'host'] as const
const ClampBoundSchema = z.enum(CLAMP_BOUNDS)

/** Why the decision is what it is, as a kind a program can match and a sentence for people. */
const DECISION_RULES = [
  /** Recommendation above current: at once, at most +max(100 %, 4). */
  'scale-up',
  /** Scaled up, but the step limit held it below the recommendation. */
  'scale-up-limited',
  /** The stabilization window's highest recommendation is below current by more than the tolerance. */
  'scale-down',
  /** Below current, but a higher recommendation is still in the window. */
  'stabilizing',
  /** Below current, but by 10 % or less. */
  'within-tolerance',
  /** Recommendation equals current. */
  'steady',
  /** The broker's figures for the queue are missing: nothing is changed. */
  'no-metrics'
] as const
const DecisionRuleSchema = z.enum(DECISION_RULES)

const HostCeilingSchema = z.object({
  replicas: z.number().int(),
  /** e.g. "2 cores ÷ 0.25 cpu = 8; 9.5 GiB free ÷ 1.5 GiB = +6". */
  reason: z.string()
})
export type HostCeiling = z.infer<typeof HostCeilingSchema>

export const AutoscaleDecisionSchema = z.object({
  /** Epoch milliseconds of the evaluation. */
  at: z.number(),
  /** The compose service. */
  service: z.string(),
  queue: z.string(),
  // Inputs
  ready: z.number().int(),
  unacked: z.number().int(),
  backlog: z.number().int(),
  /**
   * Requests the crawler could have in flight now, host by host (a host at most its
   * maxInFlight, none while it backs off): the backlog is no more than this. Null when the
   * crawler gave none (no API, or the service is not the scrapers).
   */
  dispatchable: z.number().int().nullable(),
  /** Running replicas when evaluated. */
  current: z.number().int(),
  target: z.number().int(),
  active: z.boolean(),
  hostCeiling: HostCeilingSchema.nullable(),
  // The steps
  /** e.g. "ceil(230 ÷ 50) = 5", or "backlog 0 ≤ activation 0: min 1". */
  formula: z.string(),
  /** The formula's result before the bounds. */
  raw: z.number().int(),
  /** Which bound changed it (null: none did). */
  clamp: ClampBoundSchema.nullable(),
  /** The recommendation after the bounds: what the window remembers. */
  recommended: z.number().int(),
  /** The highest recommendation in the stabilization window (scale-down only goes this far). */
  stabilized: z.number().int(),
  /** What the autoscaler scales to. */
  desired: z.number().int(),
  action: AutoscaleActionSchema,
  rule: DecisionRuleSchema,
  /** One sentence: the cooldown, the limit or the tolerance that decided it. */
  reason: z.string(),
  /** Replicas chosen to stop on a scale-down, with their unacked messages when chosen. */
  stopped: z.array(z.object({ replica: z.string(), unacked: z.number().int() })),
  /** Set when the scale step failed or was cut short (busy replicas are never stopped). */
  outcome: z.string().nullable()
})
export type AutoscaleDecision = z.infer<typeof AutoscaleDecisionSchema>

/** What autoscaleGet answers for one service. */
export const AutoscaleStateSchema = z.object({
  service: z.string(),
  settings: AutoscaleSettingsSchema,
  /** Newest last. */
  decisions: z.array(AutoscaleDecisionSchema)
})
export type AutoscaleState = z.infer<typeof AutoscaleStateSchema>

/** "1 → 5 (up): ceil((200 ready + 30 unacked) ÷ 50) = 5, clamped to max; Scale up at once: 1 → 5": one decision for people. */
export function decisionSummary(d: AutoscaleDecision): string {
  const change = d.action === 'none' ? `${d.current} kept` : `${d.current} → ${d.desired} (${d.action})`
  const clamp =
    d.clamp === null
      ? ''
      : `, clamped to ${d.clamp} ${d.recommended}${d.clamp === 'host' && d.hostCeiling !== null ? ` (${d.hostCeiling.reason})` : ''}`
  const stopped =
    d.stopped.length === 0 ? '' : `; stopped ${d.stopped.map((s) => `${s.replica} (${s.unacked} unacked)`).join(', ')}`
  const outcome = d.outcome === null ? '' : `; ${d.outcome}`
  return `${change}: ${d.formula}${clamp}; ${d.reason}${stopped}${outcome}`
}

/** The settings in one line: "on, 1–8 replicas, 50 per replica, activation 0, window 300 s, every 5 s". */
export function settingsSummary(s: AutoscaleSettings): string {
  return `${s.enabled ? 'on' : 'off'}, ${s.min}–${s.max} replicas, ${s.target} per replica, activation ${s.activationBacklog}, window ${s.stabilizationSeconds} s, every ${s.intervalSeconds} s`
}

/** Replicas after the decision was carried out: a scale-down stops only idle replicas, so it may do less than it wanted. */
export function replicasAfter(d: AutoscaleDecision): number {
  if (d.action === 'up') return d.outcome === null ? d.desired : d.current
  if (d.action === 'down') return d.current - d.stopped.length
  return d.current
}
