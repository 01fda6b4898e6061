import { describe, expect, it } from 'vitest'
import { Autoscaler } from './autoscaler'
import type { ScaleTarget } from './autoscaler'
import { pickIdleReplicas } from './pick-idle'
import type { ReplicaRef } from './pick-idle'
import type { ConsumerLoad } from '../broker/consumer-load'
import type { AutoscaleDecision } from '../../shared/autoscale'
import { silentLogger } from '../../services/log'

const ref = (n: number): ReplicaRef => ({ id: `id${n}`, name: `scraper-${n}`, replica: `host${n}` })
const load = (replica: string | null, unacked: number): ConsumerLoad => ({
  replica,
  unacked,
  peerHost: null,
  consumerTag: `ctag-${replica}`
})

describe('pickIdleReplicas', () => {
  it.each([
    {
      name: 'idle ones only, newest first',
      loads: [load('host1', 0), load('host2', 3), load('host3', 0)],
      count: 2,
      chosen: ['id3', 'id1'],
      busy: ['id2']
    },
    {
      name: 'fewer idle than wanted: only the idle',
      loads: [load('host1', 2), load('host2', 3), load('host3', 0)],
      count: 2,
      chosen: ['id3'],
      busy: ['id1', 'id2']
    },
    {
      name: 'a replica without a consumer goes first',
      loads: [load('host1', 0), load('host3', 0)],
      count: 1,
      chosen: ['id2'],
      busy: []
    },
    {
      name: 'an unnamed busy consumer might be a replica without its own: not taken',
      loads: [load('host1', 0), load(null, 4)],
      count: 2,
      chosen: ['id1'],
      busy: ['id2', 'id3']
    },
    {
      name: 'an unnamed idle consumer does not block',
      loads: [load('host1', 1), load(null, 0)],
      count: 2,
      chosen: ['id3', 'id2'],
      busy: ['id1']
    },
    {
      name: 'two consumers of one replica add up',
      loads: [load('host1', 0), load('host1', 1), load('host2', 0), load('host3', 0)],
      count: 3,
      chosen: ['id3', 'id2'],
      busy: ['id1']
    }
  ])('$name', ({ loads, count, chosen, busy }) => {
    const pick = pickIdleReplicas([ref(1), ref(2), ref(3)], loads, count)
    expect(pick.chosen.map((c) => c.ref.id)).toEqual(chosen)
    expect(pick.busy.map((b) => b.ref.id).sort()).toEqual(busy)
  })
})

/** A scale target in memory: replicas by number, each with its unacked calls. */
class MemoryTarget implements ScaleTarget {
  replicas: ReplicaRef[] = [ref(1)]
  unacked = new Map<string, number>()
  readonly stops: string[][] = []
  private next = 2
  async running(): Promise<ReplicaRef[]> {
    return [...this.replicas]
  }
  async scaleUp(_service: string, n: number): Promise<void> {
    while (this.replicas.length < n) this.replicas.push(ref(this.next++))
  }
  async stop(_service: string, chosen: ReplicaRef[]): Promise<void> {
    this.stops.push(chosen.map((c) => c.name))
    this.replicas = this.replicas.filter((r) => !chosen.some((c) => c.id === r.id))
  }
  perReplica(): { cpus: number | null; memoryBytes: number | null } {
    return { cpus: 0.25, memoryBytes: 1024 ** 3 }
  }
  loads(): ConsumerLoad[] {
    return this.replicas.map((r) => load(r.replica, this.unacked.get(r.replica) ?? 0))
  }
}

function setup(): {
  scaler: Autoscaler
  target: MemoryTarget
  backlog: { ready: number; unacked: number }
  clock: { now: number }
  seen: AutoscaleDecision[]
} {
  const target = new MemoryTarget()
  const backlog = { ready: 0, unacked: 0 }
  const clock = { now: 1_000_000 }
  const seen: AutoscaleDecision[] = []
  const scaler = new Autoscaler({
    target,
    queueOf: (service) => (service === 'scraper' ? 'rpc-scr' : null),
    figures: async () => ({ ...backlog }),
    consumers: async () => target.loads(),
    host: () => ({ cores: 2, freeMemoryBytes: 16 * 1024 ** 3 }),
    logger: silentLogger,
    now: () => clock.now
  })
  scaler.on('decision', (d) => seen.push(d))
  return { scaler, target, backlog, clock, seen }
}

describe('Autoscaler', () => {
  it('is off by default and refuses a service without a queue or settings that do not fit', () => {
    const { scaler } = setup()
    expect(scaler.state('scraper').settings).toMatchObject({
      enabled: false,
      min: 1,
      max: 8,
      target: 50,
      stabilizationSeconds: 300,
      intervalSeconds: 5
    })
    expect(() => scaler.state('api')).toThrow('api serves no RPC queue')
    expect(() => scaler.configure('scraper', { min: 5, max: 3 })).toThrow(
      'Autoscale settings of scraper: min: min must not be above max'
    )
    expect(scaler.state('scraper').settings.min).toBe(1)
  })

  it('goes up at once to the bound, then down after the window, stopping only idle replicas', async () => {
    const { scaler, target, backlog, clock, seen } = setup()
    scaler.configure('scraper', { max: 4, stabilizationSeconds: 30 })
    backlog.ready = 500
    expect(await scaler.evaluate('scraper')).toMatchObject({ action: 'up', desired: 4, clamp: 'max' })
    expect(target.replicas).toHaveLength(4)

    // Drained: still 4 while the window holds the 4s it recommended.
    backlog.ready = 0
    clock.now += 10_000
    expect(await scaler.evaluate('scraper')).toMatchObject({ action: 'none', rule: 'stabilizing', desired: 4 })

    // Past the window: down to min, but replica 1 still has a call in flight.
    target.unacked.set('host1', 1)
    clock.now += 31_000
    const down = await scaler.evaluate('scraper')
    expect(down).toMatchObject({
      action: 'down',
      desired: 1,
      stopped: [
        { replica: 'scraper-4', unacked: 0 },
        { replica: 'scraper-3', unacked: 0 },
        { replica: 'scraper-2', unacked: 0 }
      ],
      outcome: null
    })
    expect(target.replicas.map((r) => r.name)).toEqual(['scraper-1'])
    expect(seen.map((d) => d.action)).toEqual(['up', 'none', 'down'])
    expect(scaler.state('scraper').decisions).toHaveLength(3)
  })

  it('leaves busy replicas running and says so', async () => {
    const { scaler, target, backlog, clock } = setup()
    await target.scaleUp('scraper', 3)
    scaler.configure('scraper', { stabilizationSeconds: 5 })
    target.unacked.set('host1', 2)
    target.unacked.set('host2', 1)
    backlog.unacked = 3
    await scaler.evaluate('scraper')
    clock.now += 6_000
    const d = await scaler.evaluate('scraper')
    expect(d).toMatchObject({ action: 'down', desired: 1, stopped: [{ replica: 'scraper-3', unacked: 0 }] })
    expect(d.outcome).toBe(
      'Stopped 1 of 2: 2 replicas have calls in flight (scraper-1 2 unacked, scraper-2 1 unacked) and are left for a later evaluation'
    )
    expect(target.replicas.map((r) => r.name)).toEqual(['scraper-1', 'scraper-2'])
  })

  it('does not scale down a stack it just took over before a whole window was watched', async () => {
    const { scaler, target, clock } = setup()
    await target.scaleUp('scraper', 3)
    scaler.configure('scraper', { stabilizationSeconds: 20 })
    expect(await scaler.evaluate('scraper')).toMatchObject({ action: 'none', rule: 'stabilizing', current: 3 })
    clock.now += 21_000
    expect(await scaler.evaluate('scraper')).toMatchObject({ action: 'down', desired: 1 })
  })

  it('runs its loop once enabled, and stops it when disabled', async () => {
    const { scaler, seen } = setup()
    scaler.configure('scraper', { enabled: true, intervalSeconds: 1 })
    // The first evaluation runs at once (polled: a loaded machine delays timers).
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    expect(seen).toHaveLength(1)
    scaler.configure('scraper', { enabled: false })
    await new Promise((r) => setTimeout(r, 1100))
    expect(seen).toHaveLength(1)
    await scaler.close()
  })
})
