import { describe, expect, it } from 'vitest'
import { effectiveGapMs, throttledGapMs } from './auto-throttle'
import { applyAnswers } from './host-answers'
import { freshHostClock } from './host-clock'

const SOURCE = { maxInFlight: 2, minGapMs: 250 }

describe('AutoThrottle', () => {
  it('moves the gap halfway toward latency ÷ maxInFlight, never below that target', () => {
    // From none yet (the source's 250): target 1200 / 2 = 600; mean 425 < 600 → 600.
    expect(throttledGapMs(0, 1200, SOURCE)).toBe(600)
    // From 1000, target 300: mean 650 (≥ 300).
    expect(throttledGapMs(1000, 600, SOURCE)).toBe(650)
    // From 650, target 300: 475, then 388 (387.5 rounded), converging on the target.
    expect(throttledGapMs(650, 600, SOURCE)).toBe(475)
    expect(throttledGapMs(475, 600, SOURCE)).toBe(388)
  })

  it("is bounded by the source's minGapMs and by 60 s", () => {
    // Target 20: from 2000 the mean is 1010; from 300 it is 160, raised to the source's 250.
    expect(throttledGapMs(2000, 40, SOURCE)).toBe(1010)
    expect(throttledGapMs(300, 40, SOURCE)).toBe(250)
    expect(throttledGapMs(30_000, 400_000, SOURCE)).toBe(60_000)
  })

  it('applies only when the source asks for it, and never below its minGapMs', () => {
    expect(effectiveGapMs({ minGapMs: 250, autoThrottle: false }, 900)).toBe(250)
    expect(effectiveGapMs({ minGapMs: 250, autoThrottle: true }, 900)).toBe(900)
    expect(effectiveGapMs({ minGapMs: 250, autoThrottle: true }, 0)).toBe(250)
  })

  it("is kept in the host's clock from pages served, and left alone by refusals", () => {
    const served = { kind: 'served', latencyMs: 1200 } as const
    const after = applyAnswers(freshHostClock('b:1'), [served, served], 0, SOURCE).clock
    // 600, then from 600 toward 600: 600.
    expect(after.throttleGapMs).toBe(600)
    const refused = applyAnswers(after, [{ kind: 'refused', retryAfterMs: 1000, message: 'answered 429' }], 0, SOURCE)
    expect(refused.clock.throttleGapMs).toBe(600)
    expect(applyAnswers(freshHostClock('b:1'), [served], 0, null).clock.throttleGapMs).toBe(0)
  })
})
