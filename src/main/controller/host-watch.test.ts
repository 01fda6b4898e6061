import { describe, expect, it } from 'vitest'
import type { HostListResponse } from '../../shared/source'
import { hostStreamSource } from './host-watch'

const snapshot = (inFlight: number): HostListResponse => ({
  hosts: [
    {
      host: 'a.test',
      source: 'a',
      maxInFlight: 2,
      effectiveGapMs: 1000,
      inFlight,
      requestsPerSecond: 0.5,
      allowedPerSecond: 0.8,
      remaining: 10,
      robots: { state: 'unknown', fetchedAt: null, crawlDelayMs: null, disallowedCount: 0 },
      backoffUntil: null,
      backoffReason: null,
      blocked: false,
      lastAnswer: null
    }
  ]
})

describe('the hosts stream', () => {
  it('starts with the status now, sends only changes, and ends when the API stops answering', async () => {
    const answers: (HostListResponse | Error)[] = [
      snapshot(0),
      snapshot(0),
      snapshot(1),
      new Error('down'),
      new Error('down')
    ]
    const asked: (string | undefined)[] = []
    const pushed: HostListResponse[][] = []
    let ended: string | null = null
    let resolveEnd: () => void = () => {}
    const done = new Promise<void>((resolve) => (resolveEnd = resolve))
    const open = hostStreamSource(
      async (source) => {
        asked.push(source)
        const next = answers.shift() ?? new Error('down')
        if (next instanceof Error) throw next
        return next
      },
      { intervalMs: 1, maxFailures: 2 }
    )
    const stream = await open(
      { source: 'a' },
      {
        push: (items) => pushed.push(items),
        end: (reason) => {
          ended = reason
          resolveEnd()
        }
      },
      { resume: false }
    )
    expect(stream.initial).toEqual([snapshot(0)])
    await done
    stream.stop()
    expect(pushed).toEqual([[snapshot(1)]])
    expect(ended).toBe('the API stopped answering: down')
    expect(asked.every((s) => s === 'a')).toBe(true)
  })
})
