import { describe, expect, it } from 'vitest'
import { decide, pruneWindow, scaleUpLimit } from './decide'
import type { DecisionInput, Recommendation } from './decide'
import { hostCeiling } from './host-ceiling'
import type { AutoscaleSettings, HostCeiling } from '../../shared/autoscale'

const T0 = 1_000_000
const settings: DecisionInput['settings'] = {
  min: 1,
  max: 8,
  target: 50,
  activationBacklog: 0,
  stabilizationSeconds: 300
}

function input(
  over: Omit<Partial<DecisionInput>, 'settings'> & {
    ready?: number
    unacked?: number
    settings?: Partial<AutoscaleSettings>
  }
): DecisionInput {
  const { ready = 0, unacked = 0, settings: s, ...rest } = over
  return {
    at: T0,
    service: 'scraper',
    queue: 'rpc-scr',
    settings: { ...settings, ...s },
    figures: { ready, unacked },
    dispatchable: null,
    current: 1,
    hostCeiling: null,
    window: [],
    ...rest
  }
}

const ago = (seconds: number, replicas: number): Recommendation => ({ at: T0 - seconds * 1000, replicas })
const host = (replicas: number): HostCeiling => ({ replicas, reason: `test host of ${replicas}` })

describe('decide: the formula and its bounds', () => {
  it.each([
    // backlog, target → raw (ceil), clamped to [min, max]
    { ready: 0, unacked: 1, current: 1, raw: 1, recommended: 1, clamp: null },
    { ready: 50, unacked: 0, current: 1, raw: 1, recommended: 1, clamp: null },
    { ready: 40, unacked: 11, current: 1, raw: 2, recommended: 2, clamp: null },
    { ready: 200, unacked: 30, current: 1, raw: 5, recommended: 5, clamp: null },
    { ready: 5000, unacked: 80, current: 8, raw: 102, recommended: 8, clamp: 'max' },
    { ready: 0, unacked: 0, current: 1, raw: 1, recommended: 1, clamp: null }
  ])(
    'ready $ready + unacked $unacked at target 50 → raw $raw, recommended $recommended ($clamp)',
    ({ ready, unacked, current, raw, recommended, clamp }) => {
      const d = decide(input({ ready, unacked, current }))
      expect(d.backlog).toBe(ready + unacked)
      expect({ raw: d.raw, recommended: d.recommended, clamp: d.clamp }).toEqual({ raw, recommended, clamp })
    }
  )

  it('writes the formula with its numbers', () => {
    expect(decide(input({ ready: 200, unacked: 30 })).formula).toBe('ceil((200 ready + 30 unacked) ÷ 50) = 5')
    expect(decide(input({ ready: 3, settings: { activationBacklog: 5, min: 2 }, current: 2 })).formula).toBe(
      'backlog 3 ≤ activation 5: idle, min 2'
    )
  })

  it('raises a raw result under min to min', () => {
    const d = decide(input({ ready: 10, settings: { min: 3 }, current: 3 }))
    expect(d).toMatchObject({ raw: 1, recommended: 3, clamp: 'min', action: 'none', rule: 'steady' })
  })

  it.each([
    // the host ceiling caps growth, never below current or min
    { current: 2, hostReplicas: 5, ready: 1000, recommended: 5, clamp: 'host' },
    { current: 6, hostReplicas: 3, ready: 1000, recommended: 6, clamp: 'host' },
    { current: 2, hostReplicas: 20, ready: 1000, recommended: 8, clamp: 'max' },
    { current: 2, hostReplicas: 3, ready: 100, recommended: 2, clamp: null },
    { current: 0, hostReplicas: 0, ready: 1000, recommended: 1, clamp: 'host' }
  ])(
    'current $current, host ceiling $hostReplicas, backlog $ready → $recommended ($clamp)',
    ({ current, hostReplicas, ready, recommended, clamp }) => {
      const d = decide(input({ ready, current, hostCeiling: host(hostReplicas) }))
      expect({ recommended: d.recommended, clamp: d.clamp }).toEqual({ recommended, clamp })
      expect(d.hostCeiling?.reason).toBe(`test host of ${hostReplicas}`)
    }
  )
})

describe('decide: sized on the work dispatchable now', () => {
  const oneSlowHost = { total: 2, hostsAtLimit: 1, hostsHeld: 0 }
  const twentyHosts = { total: 40, hostsAtLimit: 20, hostsHeld: 0 }

  it('keeps a crawl of one slow host at min, however long the queue', () => {
    // 400 queued (a window filled before the host's limit applied), target 5: the queue alone says 80.
    const d = decide(input({ ready: 398, unacked: 2, settings: { target: 5 }, dispatchable: oneSlowHost }))
    expect({ backlog: d.backlog, dispatchable: d.dispatchable, raw: d.raw, desired: d.desired }).toEqual({
      backlog: 2,
      dispatchable: 2,
      raw: 1,
      desired: 1
    })
    expect(d.formula).toBe('ceil(min(398 ready + 2 unacked, 2 dispatchable now: 1 host at its limit) ÷ 5) = 1')
  })

  it('scales up for twenty hosts, each at its limit', () => {
    const d = decide(input({ ready: 380, unacked: 20, settings: { target: 5 }, dispatchable: twentyHosts }))
    expect({
      backlog: d.backlog,
      raw: d.raw,
      recommended: d.recommended,
      desired: d.desired,
      action: d.action
    }).toEqual({ backlog: 40, raw: 8, recommended: 8, desired: 5, action: 'up' })
  })

  it('counts the queue when it holds less than the hosts could take, and nothing for hosts backing off', () => {
    expect(decide(input({ ready: 10, unacked: 5, settings: { target: 5 }, dispatchable: twentyHosts })).raw).toBe(3)
    const held = decide(
      input({
        ready: 0,
        unacked: 30,
        settings: { target: 5 },
        dispatchable: { total: 0, hostsAtLimit: 0, hostsHeld: 3 }
      })
    )
    expect({ backlog: held.backlog, active: held.active, raw: held.raw }).toEqual({ backlog: 0, active: false, raw: 1 })
    expect(held.formula).toBe(
      'backlog min(0 ready + 30 unacked, 0 dispatchable now: 3 backing off) = 0 ≤ activation 0: idle, min 1'
    )
  })
})

describe('decide: scale up at once, at most +max(100 %, 4) a step', () => {
  it.each([
    { current: 0, ready: 400, desired: 4, rule: 'scale-up-limited' },
    { current: 1, ready: 400, desired: 5, rule: 'scale-up-limited' },
    { current: 1, ready: 150, desired: 3, rule: 'scale-up' },
    { current: 3, ready: 400, desired: 7, rule: 'scale-up-limited' },
    { current: 6, ready: 10_000, desired: 12, rule: 'scale-up-limited', max: 32 },
    { current: 6, ready: 400, desired: 8, rule: 'scale-up' }
  ])('from $current with backlog $ready → $desired ($rule)', ({ current, ready, desired, rule, max }) => {
    const d = decide(input({ ready, current, settings: max === undefined ? {} : { max } }))
    expect({ action: d.action, desired: d.desired, rule: d.rule }).toEqual({ action: 'up', desired, rule })
  })

  it('ignores the window when scaling up (a higher recommendation earlier does not matter)', () => {
    const d = decide(input({ ready: 150, current: 1, window: [ago(10, 8)] }))
    expect(d).toMatchObject({ action: 'up', desired: 3, stabilized: 3 })
  })

  it('says the limit in the reason', () => {
    expect(decide(input({ ready: 400, current: 1 })).reason).toBe(
      'Scale up at once, limited to +max(100 %, 4) = +4 this step: 1 → 5 (of 8)'
    )
    expect(scaleUpLimit(10)).toBe(20)
    expect(scaleUpLimit(2)).toBe(6)
  })
})

describe('decide: scale down to the window’s highest recommendation, by more than 10 %', () => {
  it.each([
    {
      name: 'a higher recommendation 60 s ago holds',
      current: 6,
      ready: 50,
      window: [ago(60, 6)],
      action: 'none',
      desired: 6,
      rule: 'stabilizing',
      stabilized: 6
    },
    {
      name: 'the window’s highest is below current: down to it',
      current: 6,
      ready: 50,
      window: [ago(200, 4), ago(100, 3)],
      action: 'down',
      desired: 4,
      rule: 'scale-down',
      stabilized: 4
    },
    {
      name: 'recommendations older than the window are forgotten',
      current: 6,
      ready: 50,
      window: [ago(301, 6), ago(400, 8)],
      action: 'down',
      desired: 1,
      rule: 'scale-down',
      stabilized: 1
    },
    {
      name: 'an empty window: down to the recommendation now',
      current: 4,
      ready: 100,
      window: [],
      action: 'down',
      desired: 2,
      rule: 'scale-down',
      stabilized: 2
    },
    {
      name: '10 → 9 is 10 %: not over the tolerance',
      current: 10,
      ready: 450,
      window: [],
      action: 'none',
      desired: 10,
      rule: 'within-tolerance',
      stabilized: 9,
      max: 32
    },
    {
      name: '11 → 9 is 18 %: down',
      current: 11,
      ready: 450,
      window: [],
      action: 'down',
      desired: 9,
      rule: 'scale-down',
      stabilized: 9,
      max: 32
    },
    {
      name: 'current above max (max lowered): down to max after the bounds',
      current: 12,
      ready: 5000,
      window: [ago(10, 12)],
      action: 'down',
      desired: 8,
      rule: 'scale-down',
      stabilized: 8
    }
  ])('$name', ({ current, ready, window, action, desired, rule, stabilized, max }) => {
    const d = decide(input({ ready, current, window, settings: max === undefined ? {} : { max } }))
    expect({ action: d.action, desired: d.desired, rule: d.rule, stabilized: d.stabilized }).toEqual({
      action,
      desired,
      rule,
      stabilized
    })
  })

  it('an idle queue goes to min only after the window', () => {
    const s = { activationBacklog: 5, stabilizationSeconds: 30 }
    const held = decide(input({ ready: 5, current: 4, settings: s, window: [ago(29, 4)] }))
    expect(held).toMatchObject({ active: false, raw: 1, action: 'none', rule: 'stabilizing', desired: 4 })
    expect(held.reason).toBe(
      'Stabilizing: 4 was recommended 29 s ago, within the last 30 s; 4 kept until it leaves the window'
    )
    const down = decide(input({ ready: 5, current: 4, settings: s, window: [ago(31, 4), ago(20, 1)] }))
    expect(down).toMatchObject({ active: false, action: 'down', desired: 1, rule: 'scale-down' })
  })

  it('min 0: an idle service scales to zero, and a backlog brings it back at once', () => {
    const s = { min: 0 }
    expect(decide(input({ current: 2, settings: s, window: [ago(400, 2)] }))).toMatchObject({
      action: 'down',
      desired: 0
    })
    expect(decide(input({ ready: 1, current: 0, settings: s }))).toMatchObject({
      action: 'up',
      desired: 1,
      rule: 'scale-up'
    })
  })

  it('steady when the recommendation is what runs', () => {
    expect(decide(input({ ready: 100, current: 2 }))).toMatchObject({
      action: 'none',
      rule: 'steady',
      desired: 2,
      reason: 'At the recommendation: 2 kept'
    })
  })

  it('changes nothing without queue figures', () => {
    expect(decide(input({ figures: null, current: 3 }))).toMatchObject({
      action: 'none',
      rule: 'no-metrics',
      desired: 3
    })
  })
})

describe('the stabilization window', () => {
  it('keeps what is inside it, and the new one', () => {
    const w = [ago(400, 1), ago(300, 2), ago(299, 3), ago(0, 4)]
    expect(pruneWindow(w, T0, 300).map((r) => r.replicas)).toEqual([3, 4])
    expect(pruneWindow(w, T0, 300, { at: T0, replicas: 5 }).map((r) => r.replicas)).toEqual([3, 4, 5])
  })
})

describe('host ceiling', () => {
  const GiB = 1024 ** 3
  it.each([
    { cores: 2, free: 12 * GiB, current: 1, cpus: null, memory: 1.5 * GiB, replicas: 8 },
    { cores: 2, free: 3 * GiB, current: 1, cpus: null, memory: 1.5 * GiB, replicas: 3 },
    { cores: 2, free: 1 * GiB, current: 4, cpus: null, memory: 1.5 * GiB, replicas: 4 },
    { cores: 4, free: 64 * GiB, current: 0, cpus: 1, memory: null, replicas: 4 },
    { cores: 2, free: 0, current: 0, cpus: 0.5, memory: GiB, replicas: 0 }
  ])(
    '$cores cores, $free bytes free, $current running → $replicas',
    ({ cores, free, current, cpus, memory, replicas }) => {
      const h = hostCeiling({
        cores,
        freeMemoryBytes: free,
        current,
        cpusPerReplica: cpus,
        memoryPerReplicaBytes: memory
      })
      expect(h.replicas).toBe(replicas)
    }
  )

  it('says how it got there', () => {
    const h = hostCeiling({
      cores: 2,
      freeMemoryBytes: 3 * 1024 ** 3,
      current: 1,
      cpusPerReplica: null,
      memoryPerReplicaBytes: 1.5 * 1024 ** 3
    })
    expect(h.reason).toBe('2 cores ÷ 0.25 cpu = 8; 3.0 GiB free ÷ 1.5 GiB = 1 + 2')
  })
})
