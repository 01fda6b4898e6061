/**
 * The panel's Prometheus metrics, for the fleet side it watches: running replicas per service,
 * queue depth (ready, unacked) and consumers per queue from the broker monitor's samples, and
 * the autoscaler's decisions (by action) and desired replicas. Label values are the stack's
 * own compose services and queues, so they are bounded by its compose file.
 */
import { Counter, Gauge, Registry } from 'prom-client'
import type { AutoscaleDecision } from '../../shared/autoscale'
import type { MetricsSample } from '../../shared/broker-metrics'

/** What the panel's broker monitor and autoscaler emit, reduced to the events read here. */
interface Emits<Event extends string, Value> {
  on(event: Event, listener: (value: Value) => void): unknown
  off(event: Event, listener: (value: Value) => void): unknown
}

export interface FleetSources {
  broker: Emits<'sample', MetricsSample>
  autoscaler?: Emits<'decision', AutoscaleDecision>
}

export function fleetMetricsRegistry(sources: FleetSources): { registry: Registry; stop: () => void } {
  const registry = new Registry()
  const registers = [registry]
  const replicas = new Gauge({
    name: 'scrapedeck_fleet_replicas',
    help: 'Running replicas of a compose service, as the panel last saw them.',
    labelNames: ['service'],
    registers
  })
  const messages = new Gauge({
    name: 'scrapedeck_queue_messages',
    help: 'Messages in a queue: ready (waiting) or unacked (taken by a consumer, not yet answered).',
    labelNames: ['queue', 'state'],
    registers
  })
  const consumers = new Gauge({
    name: 'scrapedeck_queue_consumers',
    help: 'Consumers of a queue.',
    labelNames: ['queue'],
    registers
  })
  const decisions = new Counter({
    name: 'scrapedeck_autoscale_decisions_total',
    help: 'Autoscaler evaluations, by the action they took.',
    labelNames: ['service', 'action'],
    registers
  })
  const desired = new Gauge({
    name: 'scrapedeck_autoscale_desired_replicas',
    help: 'Replicas the autoscaler last decided a service should run.',
    labelNames: ['service'],
    registers
  })

  const onSample = (sample: MetricsSample): void => {
    // A queue or service gone from the stack drops out rather than keeping its last value.
    replicas.reset()
    messages.reset()
    consumers.reset()
    for (const [service, running] of Object.entries(sample.replicas)) replicas.set({ service }, running)
    for (const [queue, q] of Object.entries(sample.queues)) {
      messages.set({ queue, state: 'ready' }, q.ready)
      messages.set({ queue, state: 'unacked' }, q.unacked)
      consumers.set({ queue }, q.consumers)
    }
  }
  const onDecision = (decision: AutoscaleDecision): void => {
    decisions.inc({ service: decision.service, action: decision.action })
    desired.set({ service: decision.service }, decision.desired)
  }
  sources.broker.on('sample', onSample)
  sources.autoscaler?.on('decision', onDecision)
  return {
    registry,
    stop: () => {
      sources.broker.off('sample', onSample)
      sources.autoscaler?.off('decision', onDecision)
    }
  }
}
