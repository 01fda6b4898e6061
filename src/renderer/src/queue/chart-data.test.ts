import { describe, expect, it } from 'vitest'
import type { MetricsSample } from '../../../shared/contract'
import { autoscaleMarkers, chartMarkers, queueChartColumns } from './chart-data'
import type { AutoscaleDecision } from '../../../shared/autoscale'

const Q = 'rpc-scraping'
function sample(at: number, replicas: number | undefined, ready?: number): MetricsSample {
  return {
    at,
    queues:
      ready === undefined
        ? {}
        : { [Q]: { ready, unacked: 1, consumers: replicas ?? 0, publishRate: null, deliverRate: null, ackRate: null } },
    replicas: replicas === undefined ? {} : { scraper: replicas },
    lookupLatency: null
  }
}

describe('queueChartColumns', () => {
  it('aligns the columns in seconds, with gaps where the queue did not exist', () => {
    const columns = queueChartColumns([sample(1000, 1, 5), sample(3000, undefined)], Q, 'scraper')
    expect(columns).toEqual([
      [1, 3],
      [5, null],
      [1, null],
      [1, null],
      [1, null]
    ])
  })
})

describe('chartMarkers', () => {
  it('marks each change of running replicas and each restart inside the window', () => {
    const samples = [
      sample(1000, 1),
      sample(2000, 1),
      sample(3000, 3),
      sample(4000, undefined),
      sample(5000, 3),
      sample(6000, 0)
    ]
    const markers = chartMarkers(samples, 'scraper', [
      { at: 500, service: 'api' }, // before the history: not drawn
      { at: 4500, service: 'api' }
    ])
    expect(markers).toEqual([
      { x: 3, label: 'scraper 1→3' },
      { x: 4.5, label: 'restart api' },
      { x: 6, label: 'scraper 3→0' }
    ])
  })
})

describe('autoscaleMarkers', () => {
  const decision = (
    at: number,
    current: number,
    desired: number,
    action: AutoscaleDecision['action'],
    stopped = 0
  ): AutoscaleDecision => ({
    at,
    service: 'scraper',
    queue: Q,
    ready: 0,
    unacked: 0,
    dispatchable: null,
    backlog: 0,
    current,
    target: 50,
    active: false,
    hostCeiling: null,
    formula: 'f',
    raw: desired,
    clamp: null,
    recommended: desired,
    stabilized: desired,
    desired,
    action,
    rule: 'steady',
    reason: 'r',
    stopped: Array.from({ length: stopped }, (_, i) => ({ replica: `r${i}`, unacked: 0 })),
    outcome: stopped < current - desired ? 'busy' : null
  })
  it('marks each decision at its time, with what it did, and drops those before the chart begins', () => {
    const marks = autoscaleMarkers(
      [decision(500, 1, 4, 'up'), decision(3000, 1, 5, 'up'), decision(4000, 5, 2, 'down', 1)],
      [sample(1000, 1), sample(5000, 5)]
    )
    expect(marks).toEqual([
      { x: 3, label: 'autoscale 1→5' },
      { x: 4, label: 'autoscale 5→4' }
    ])
  })
})
