import { describe, expect, it } from 'vitest'
import type { QueueMetrics } from '../../shared/contract'
import { crossLayerFindings } from './cross-layer-health'
import { RingBuffer } from './ring-buffer'
import { LatencyRecorder } from './latency-recorder'
import { rpcQueueName } from '../../shared/rpc-names'

const queue = (service: string, ready: number, consumers: number): QueueMetrics => ({
  queue: rpcQueueName(service),
  service,
  ready,
  unacked: 0,
  consumers,
  publishRate: 0,
  deliverRate: 0,
  ackRate: 0,
  source: 'management'
})

describe('ring buffer', () => {
  it('keeps the newest `capacity` items, oldest first', () => {
    const r = new RingBuffer<number>(3)
    for (let i = 1; i <= 5; i++) r.push(i)
    expect(r.toArray()).toEqual([3, 4, 5])
    expect(r.size).toBe(3)
    expect(() => new RingBuffer(0)).toThrow(/positive integer/)
  })
})

describe('cross-layer findings', () => {
  it('flags replicas that run but do not consume', () => {
    const f = crossLayerFindings([queue('scr', 0, 1)], [{ service: 'scraper', rpcService: 'scr', running: 3 }])
    expect(f).toEqual([
      expect.objectContaining({
        kind: 'replicas-not-consuming',
        severity: 'warning',
        service: 'scraper',
        message: '2 of 3 scraper replicas run but do not consume rpc-scr (1 consumer)'
      })
    ])
  })

  it('flags a backlog nobody consumes, and consumers from outside the stack', () => {
    const f = crossLayerFindings(
      [queue('scr', 0, 2), queue('other', 5, 0)],
      [{ service: 'scraper', rpcService: 'scr', running: 1 }]
    )
    expect(f.map((x) => x.kind)).toEqual(['consumers-without-replicas', 'backlog-without-consumers'])
  })

  it('says nothing when the layers agree', () => {
    expect(crossLayerFindings([queue('scr', 10, 2)], [{ service: 'scraper', rpcService: 'scr', running: 2 }])).toEqual(
      []
    )
  })
})

describe('lookup latency summary', () => {
  it('summarizes and resets', () => {
    const l = new LatencyRecorder()
    for (const ms of [5, 1, 3, 2, 4]) l.record(ms)
    expect(l.drain()).toEqual({ count: 5, p50Ms: 3, p95Ms: 5, maxMs: 5 })
    expect(l.drain()).toBeNull()
  })
})
