import { describe, expect, it } from 'vitest'
import { SingleFlight } from './single-flight'

describe('SingleFlight', () => {
  it('runs one task per key and shares its result', async () => {
    const flights = new SingleFlight<string, number>()
    let runs = 0
    const task = async (): Promise<number> => {
      runs += 1
      await new Promise((resolve) => setTimeout(resolve, 10))
      return 42
    }
    const results = await Promise.all(Array.from({ length: 10 }, () => flights.run('a', task)))
    expect(results).toEqual(Array(10).fill(42))
    expect(runs).toBe(1)
    expect(flights.size).toBe(0)
  })

  it('keeps keys apart', async () => {
    const flights = new SingleFlight<string, string>()
    const [a, b] = await Promise.all([flights.run('a', async () => 'A'), flights.run('b', async () => 'B')])
    expect([a, b]).toEqual(['A', 'B'])
  })

  it('shares a failure, then lets the next call try again', async () => {
    const flights = new SingleFlight<string, string>()
    let runs = 0
    const failing = async (): Promise<string> => {
      runs += 1
      throw new Error('nope')
    }
    const settled = await Promise.allSettled([flights.run('k', failing), flights.run('k', failing)])
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected'])
    expect(runs).toBe(1)
    await expect(flights.run('k', async () => 'ok')).resolves.toBe('ok')
  })

  it('turns a synchronous throw into a rejection', async () => {
    const flights = new SingleFlight<string, string>()
    await expect(
      flights.run('k', () => {
        throw new Error('sync')
      })
    ).rejects.toThrow('sync')
    expect(flights.size).toBe(0)
  })
})
