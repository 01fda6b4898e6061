/** WorkerSlots: the RPC server's limit on handlers running at once, apart from its prefetch. */
import { describe, expect, it } from 'vitest'
import { WorkerSlots } from './worker-slots'

describe('WorkerSlots', () => {
  it('grants up to its size at once and hands a freed slot to the oldest waiter', async () => {
    const slots = new WorkerSlots(2)
    expect(await slots.acquire()).toBe(true)
    expect(await slots.acquire()).toBe(true)
    const order: string[] = []
    const third = slots.acquire().then((granted) => order.push(`third ${granted}`))
    const fourth = slots.acquire().then((granted) => order.push(`fourth ${granted}`))
    await Promise.resolve()
    expect(order).toEqual([])
    expect(slots.waitingCount).toBe(2)
    slots.release()
    await third
    expect(order).toEqual(['third true'])
    slots.release()
    await fourth
    expect(order).toEqual(['third true', 'fourth true'])
    // Both slots are held again (third, fourth): a fifth waits.
    let fifth: boolean | null = null
    void slots.acquire().then((granted) => (fifth = granted))
    await Promise.resolve()
    expect(fifth).toBe(null)
  })

  it('refuses every waiter when told to, and still counts the running ones', async () => {
    const slots = new WorkerSlots(1)
    expect(await slots.acquire()).toBe(true)
    const waiting = [slots.acquire(), slots.acquire()]
    slots.refuseWaiting()
    expect(await Promise.all(waiting)).toEqual([false, false])
    expect(slots.waitingCount).toBe(0)
    slots.release()
    expect(await slots.acquire()).toBe(true)
  })

  it('refuses a size that is not a positive whole number', () => {
    expect(() => new WorkerSlots(0)).toThrow(/positive whole number, got 0/)
    expect(() => new WorkerSlots(1.5)).toThrow(/got 1.5/)
  })
})
