import { describe, expect, it } from 'vitest'
import { allowedPerSecond, hostPhase, planSlots, slotSpacingMs, slotWindowMs } from './slot-schedule'

const PLAN = { leadMs: 100, horizonMs: 1500, marginMs: 75 }

describe('fetch slots', () => {
  it('windows are a twentieth of the gap, between 10 and 500 ms', () => {
    expect([0, 100, 250, 1000, 4000, 60_000].map(slotWindowMs)).toEqual([10, 10, 13, 50, 200, 500])
  })

  it('spaces slots by gap + window + margin, from now + lead, up to the horizon', () => {
    // gap 200 → window 10 → spacing 285: starts at 1100, 1385, 1670, 1955, 2240 (≤ 1000 + 1500)
    const plan = planSlots({ nextSlotAt: 0, pausedUntil: 0 }, { maxInFlight: 2 }, 200, 1000, 10, PLAN)
    expect(plan.slots.map((s) => s.startAt)).toEqual([1100, 1385, 1670, 1955, 2240])
    expect(plan.slots[0]).toEqual({ startAt: 1100, notAfter: 1110, endBy: 1100 + 2 * 285 - 5 })
    expect(plan.nextSlotAt).toBe(2525)
  })

  it('continues where the host schedule ends, and never before a pause ends', () => {
    expect(
      planSlots({ nextSlotAt: 5000, pausedUntil: 0 }, { maxInFlight: 1 }, 1000, 4000, 2, PLAN).slots.map(
        (s) => s.startAt
      )
    ).toEqual([5000])
    expect(planSlots({ nextSlotAt: 0, pausedUntil: 9000 }, { maxInFlight: 1 }, 1000, 4000, 2, PLAN)).toEqual({
      slots: [],
      nextSlotAt: 0
    })
  })

  it("starts a fresh schedule at its host's own phase of the spacing, and continues a running one as it is", () => {
    // spacing 285: phase 0.8535… → 243 ms, 0.3822… → 108 ms after now + lead.
    expect(hostPhase('127.0.0.11:21250')).toBeCloseTo(0.8535, 4)
    const fresh = (host: string): number[] =>
      planSlots({ nextSlotAt: 0, pausedUntil: 0, host }, { maxInFlight: 2 }, 200, 1000, 10, PLAN).slots.map(
        (s) => s.startAt
      )
    expect(fresh('127.0.0.11:21250')).toEqual([1343, 1628, 1913, 2198, 2483])
    expect(fresh('127.0.0.12:21250')).toEqual([1208, 1493, 1778, 2063, 2348])
    expect(
      planSlots(
        { nextSlotAt: 1150, pausedUntil: 0, host: '127.0.0.11:21250' },
        { maxInFlight: 2 },
        200,
        1000,
        2,
        PLAN
      ).slots.map((s) => s.startAt)
    ).toEqual([1150, 1435])
  })

  it('keeps the gap and the concurrency whatever the fetches do inside their slots', () => {
    const plan = planSlots({ nextSlotAt: 0, pausedUntil: 0 }, { maxInFlight: 3 }, 300, 0, 50, {
      ...PLAN,
      horizonMs: 60_000
    })
    expect(plan.slots).toHaveLength(50)
    plan.slots.forEach((slot, i) => {
      const next = plan.slots[i + 1]
      // From the latest start of this slot to the earliest of the next, less the margin: the gap.
      if (next) expect(next.startAt - slot.notAfter - PLAN.marginMs).toBeGreaterThanOrEqual(300)
      // A fetch is over before the slot three later opens.
      const third = plan.slots[i + 3]
      if (third) expect(slot.endBy).toBeLessThan(third.startAt)
    })
  })

  it('allowed rate: one per spacing, or N per latency when slower', () => {
    expect(slotSpacingMs(1000, 75)).toBe(1125)
    expect(allowedPerSecond({ maxInFlight: 2 }, 1000, 0, 75)).toBeCloseTo(1000 / 1125)
    expect(allowedPerSecond({ maxInFlight: 2 }, 0, 4000, 75)).toBe(0.5)
  })
})
