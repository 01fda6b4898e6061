import { describe, expect, it } from 'vitest'
import { createSiteGate, parseRefusalSpell, parseSiteLimit } from './site-limit'

describe('the board limit and its truth', () => {
  it('refuses past N in flight or under D between arrivals, and counts what it saw', () => {
    let now = 0
    const gate = createSiteGate({ maxInFlight: 2, minGapMs: 100, retryAfterS: 1 }, () => now)
    const a = gate.arrive()
    now = 100
    const b = gate.arrive()
    now = 250
    const c = gate.arrive() // 2 already in flight
    c.done()
    a.done()
    now = 320
    const d = gate.arrive() // 70 ms after c
    d.done()
    b.done()
    expect([a.refuse, b.refuse, c.refuse, d.refuse]).toEqual([false, false, true, true])
    expect(gate.snapshot()).toEqual({
      limit: { maxInFlight: 2, minGapMs: 100, retryAfterS: 1 },
      served: 2,
      refused: 2,
      refusedFor: { inFlight: 1, gap: 1 },
      early: 1,
      shortestGapMs: 70,
      maxConcurrency: 3,
      firstArrivalAt: 0,
      lastArrivalAt: 320
    })
  })

  it('refuses everything for a spell from the first request, and counts requests that did not wait', () => {
    let now = 1000
    const gate = createSiteGate(null, () => now, { forMs: 3000, retryAfterS: 5 })
    const first = gate.arrive()
    first.done()
    now = 5000 // 4 s later: after the spell, before its Retry-After of 5 s ran out
    const second = gate.arrive()
    second.done()
    now = 6000
    const third = gate.arrive()
    third.done()
    expect([first.refuse, first.retryAfterS, second.refuse, third.refuse]).toEqual([true, 5, false, false])
    expect(gate.snapshot()).toMatchObject({ served: 2, refused: 1, early: 1 })
    expect(parseRefusalSpell('3000/5')).toEqual({ forMs: 3000, retryAfterS: 5 })
    expect(() => parseRefusalSpell('soon')).toThrow(/MS\/R/)
  })

  it('parses JOBBOARD_LIMIT', () => {
    expect(parseSiteLimit('')).toBeNull()
    expect(parseSiteLimit('2/250')).toEqual({ maxInFlight: 2, minGapMs: 250, retryAfterS: 1 })
    expect(parseSiteLimit('4/1000/5')).toEqual({ maxInFlight: 4, minGapMs: 1000, retryAfterS: 5 })
    expect(() => parseSiteLimit('0/100')).toThrow(/N ≥ 1/)
    expect(() => parseSiteLimit('fast')).toThrow(/expected "N\/D"/)
  })
})
