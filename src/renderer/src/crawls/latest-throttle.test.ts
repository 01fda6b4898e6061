import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LatestThrottle } from './latest-throttle'

describe('LatestThrottle', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('delivers the first value at once, then only the newest once per interval', () => {
    const delivered: number[] = []
    const throttle = new LatestThrottle<number>(250, (v) => delivered.push(v))
    for (let i = 1; i <= 10; i++) throttle.push(i)
    expect(delivered).toEqual([1])
    vi.advanceTimersByTime(250)
    expect(delivered).toEqual([1, 10])
    vi.advanceTimersByTime(1000)
    expect(delivered).toEqual([1, 10])
    throttle.push(11)
    expect(delivered).toEqual([1, 10, 11])
  })

  it('flushes a pending value on demand, and delivers nothing after cancel', () => {
    const delivered: string[] = []
    const throttle = new LatestThrottle<string>(250, (v) => delivered.push(v))
    throttle.push('a')
    throttle.push('b')
    throttle.flush()
    expect(delivered).toEqual(['a', 'b'])
    throttle.push('c')
    throttle.cancel()
    vi.advanceTimersByTime(1000)
    expect(delivered).toEqual(['a', 'b'])
  })
})
