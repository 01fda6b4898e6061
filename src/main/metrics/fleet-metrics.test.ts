import { EventEmitter } from 'node:events'
import { expect, it } from 'vitest'
import type { AutoscaleDecision } from '../../shared/autoscale'
import type { MetricsSample } from '../../shared/broker-metrics'
import { fleetMetricsRegistry } from './fleet-metrics'

it('exposes the last sample and counts autoscale decisions', async () => {
  const broker = new EventEmitter<{ sample: [MetricsSample] }>()
  const autoscaler = new EventEmitter<{ decision: [AutoscaleDecision] }>()
  const { registry, stop } = fleetMetricsRegistry({ broker, autoscaler })
  const queue = { ready: 230, unacked: 12, consumers: 3, publishRate: null, deliverRate: null, ackRate: null }
  broker.emit('sample', { at: 0, queues: { 'rpc-scraper': queue }, replicas: { scraper: 3 }, lookupLatency: null })
  const decision = { service: 'scraper', action: 'up', desired: 5 } as unknown as AutoscaleDecision
  autoscaler.emit('decision', decision)
  autoscaler.emit('decision', decision)
  const text = await registry.metrics()
  expect(text).toContain('scrapedeck_fleet_replicas{service="scraper"} 3')
  expect(text).toContain('scrapedeck_queue_messages{queue="rpc-scraper",state="ready"} 230')
  expect(text).toContain('scrapedeck_queue_messages{queue="rpc-scraper",state="unacked"} 12')
  expect(text).toContain('scrapedeck_queue_consumers{queue="rpc-scraper"} 3')
  expect(text).toContain('scrapedeck_autoscale_decisions_total{service="scraper",action="up"} 2')
  expect(text).toContain('scrapedeck_autoscale_desired_replicas{service="scraper"} 5')
  stop()
  expect(broker.listenerCount('sample')).toBe(0)
})
