import { describe, expect, it } from 'vitest'
import { createFaultModel, parseLatency } from './fault-model.js'

describe('parseLatency', () => {
  it('reads a fixed value and a range', () => {
    expect(parseLatency('120')).toEqual({ minMs: 120, maxMs: 120 })
    expect(parseLatency(' 50-400 ')).toEqual({ minMs: 50, maxMs: 400 })
  })

  it.each(['', 'fast', '-5', '10-5', '1.5', '10-'])('rejects %j with the expected form in the message', (text) => {
    expect(() => parseLatency(text)).toThrow(/Latency must be/)
  })
})

describe('createFaultModel', () => {
  const run = (failureRate: number, n = 1000): Array<{ delayMs: number; fail: boolean }> => {
    const model = createFaultModel({ seed: 9, latency: { minMs: 10, maxMs: 30 }, failureRate })
    return Array.from({ length: n }, () => model.next())
  }

  it('is the same sequence every time for a seed', () => {
    expect(run(0.3)).toEqual(run(0.3))
  })

  it('keeps delays in the range and fails about the asked share of requests', () => {
    const faults = run(0.3)
    expect(Math.min(...faults.map((f) => f.delayMs))).toBe(10)
    expect(Math.max(...faults.map((f) => f.delayMs))).toBe(30)
    const failures = faults.filter((f) => f.fail).length
    expect(failures).toBeGreaterThan(250)
    expect(failures).toBeLessThan(350)
  })

  it('never fails at rate 0 and always fails at rate 1', () => {
    expect(run(0).some((f) => f.fail)).toBe(false)
    expect(run(1).every((f) => f.fail)).toBe(true)
  })

  it('rejects a rate outside 0..1', () => {
    expect(() => createFaultModel({ seed: 1, latency: { minMs: 0, maxMs: 0 }, failureRate: 1.5 })).toThrow(
      /from 0 to 1/
    )
  })
})
