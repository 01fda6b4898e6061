import { describe, expect, it } from 'vitest'
import {
  AUTOSCALE_DEFAULTS,
  AutoscaleSettingsSchema,
  decisionSummary,
  replicasAfter,
  settingsSummary
} from './autoscale'
import type { AutoscaleDecision } from './autoscale'

const decision: AutoscaleDecision = {
  at: 0,
  service: 'scraper',
  queue: 'rpc-scr',
  ready: 380,
  dispatchable: null,
  unacked: 20,
  backlog: 400,
  current: 4,
  target: 50,
  active: true,
  hostCeiling: { replicas: 6, reason: '2 cores ÷ 0.25 cpu = 8; 3.0 GiB free ÷ 1.5 GiB = 4 + 2' },
  formula: 'ceil((380 ready + 20 unacked) ÷ 50) = 8',
  raw: 8,
  clamp: 'host',
  recommended: 6,
  stabilized: 6,
  desired: 6,
  action: 'up',
  rule: 'scale-up',
  reason: 'Scale up at once: 4 → 6',
  stopped: [],
  outcome: null
}

describe('autoscale texts', () => {
  it('says what was decided, from what, within which bound, and why', () => {
    expect(decisionSummary(decision)).toBe(
      '4 → 6 (up): ceil((380 ready + 20 unacked) ÷ 50) = 8, clamped to host 6 (2 cores ÷ 0.25 cpu = 8; 3.0 GiB free ÷ 1.5 GiB = 4 + 2); Scale up at once: 4 → 6'
    )
    const held = {
      ...decision,
      action: 'down' as const,
      desired: 1,
      clamp: null,
      stopped: [{ replica: 'deck-scraper-4', unacked: 0 }],
      outcome: 'Stopped 1 of 3: …'
    }
    expect(decisionSummary(held)).toMatch(
      /^4 → 1 \(down\): .*; stopped deck-scraper-4 \(0 unacked\); Stopped 1 of 3: …$/
    )
    expect(settingsSummary({ ...AUTOSCALE_DEFAULTS, enabled: true })).toBe(
      'on, 1–8 replicas, 50 per replica, activation 0, window 300 s, every 5 s'
    )
  })

  it('counts the replicas a decision left: a held scale-down stopped only its idle ones, a failed scale-up none', () => {
    expect(replicasAfter(decision)).toBe(6)
    expect(replicasAfter({ ...decision, outcome: 'Failed: engine gone' })).toBe(4)
    expect(replicasAfter({ ...decision, action: 'down', desired: 1, stopped: [{ replica: 'a', unacked: 0 }] })).toBe(3)
    expect(replicasAfter({ ...decision, action: 'none' })).toBe(4)
  })

  it('refuses min above max and bounds off the limits', () => {
    expect(AutoscaleSettingsSchema.safeParse({ ...AUTOSCALE_DEFAULTS, min: 9 }).success).toBe(false)
    expect(AutoscaleSettingsSchema.safeParse({ ...AUTOSCALE_DEFAULTS, stabilizationSeconds: 0 }).success).toBe(false)
    expect(AutoscaleSettingsSchema.safeParse({ ...AUTOSCALE_DEFAULTS, max: 33 }).success).toBe(false)
    expect(AutoscaleSettingsSchema.parse(AUTOSCALE_DEFAULTS)).toEqual(AUTOSCALE_DEFAULTS)
  })
})
