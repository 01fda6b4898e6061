import { describe, expect, it } from 'vitest'
import { dispatchableWork } from './dispatchable-work'

describe('the work dispatchable now', () => {
  it('counts one slow host as what it takes at once, however long its backlog', () => {
    expect(dispatchableWork([{ host: 'slow', remaining: 5000, maxInFlight: 2, held: false }])).toEqual({
      total: 2,
      hostsAtLimit: 1,
      hostsHeld: 0
    })
  })

  it('adds up twenty hosts', () => {
    const hosts = Array.from({ length: 20 }, (_, i) => ({
      host: `board-${i}`,
      remaining: 100,
      maxInFlight: 2,
      held: false
    }))
    expect(dispatchableWork(hosts)).toEqual({ total: 40, hostsAtLimit: 20, hostsHeld: 0 })
  })

  it('takes nothing from a held host, all from an unlimited one, the rest from a nearly done one', () => {
    expect(
      dispatchableWork([
        { host: 'paused', remaining: 300, maxInFlight: 4, held: true },
        { host: 'local', remaining: 250, maxInFlight: null, held: false },
        { host: 'tail', remaining: 1, maxInFlight: 4, held: false },
        { host: 'done', remaining: 0, maxInFlight: 4, held: true }
      ])
    ).toEqual({ total: 251, hostsAtLimit: 0, hostsHeld: 1 })
  })
})
