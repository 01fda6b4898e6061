import { z } from 'zod'

const EndpointStateSchema = z.object({
  state: z.enum(['connected', 'unreachable']),
  endpoint: z.string(),
  message: z.string(),
  since: z.string()
})
export type EndpointState = z.infer<typeof EndpointStateSchema>

/** The management API is preferred; AMQP checkQueue is the fallback (no rates then). */
export const BrokerConnectivitySchema = z.object({
  management: EndpointStateSchema,
  amqp: EndpointStateSchema
})
export type BrokerConnectivity = z.infer<typeof BrokerConnectivitySchema>

const MetricsSourceSchema = z.enum(['management', 'amqp', 'none'])

export const QueueMetricsSchema = z.object({
  /** e.g. `rpc-stack_overflow_job_listings_scraping_microservice` */
  queue: z.string(),
  /** The Nameko service that consumes it (queue name without `rpc-`). */
  service: z.string(),
  ready: z.number().int(),
  unacked: z.number().int(),
  consumers: z.number().int(),
  /** Messages per second; null when the source has no rates (AMQP fallback). */
  publishRate: z.number().nullable(),
  deliverRate: z.number().nullable(),
  ackRate: z.number().nullable(),
  source: MetricsSourceSchema
})
export type QueueMetrics = z.infer<typeof QueueMetricsSchema>

/** Where the container layer and the broker layer disagree. */
const HealthFindingSchema = z.object({
  kind: z.enum(['replicas-not-consuming', 'backlog-without-consumers', 'consumers-without-replicas']),
  severity: z.enum(['warning', 'error']),
  /** Compose service (for replica findings) or Nameko service. */
  service: z.string(),
  queue: z.string(),
  message: z.string()
})
export type HealthFinding = z.infer<typeof HealthFindingSchema>

export const BrokerMetricsSchema = z.object({
  /** ISO time of the sample. */
  at: z.string(),
  source: MetricsSourceSchema,
  broker: BrokerConnectivitySchema,
  queues: z.array(QueueMetricsSchema),
  findings: z.array(HealthFindingSchema)
})
export type BrokerMetrics = z.infer<typeof BrokerMetricsSchema>

/** One point of the bounded history the charts draw. */
export const MetricsSampleSchema = z.object({
  /** Epoch milliseconds. */
  at: z.number(),
  queues: z.record(
    z.string(),
    z.object({
      ready: z.number().int(),
      unacked: z.number().int(),
      consumers: z.number().int(),
      publishRate: z.number().nullable(),
      deliverRate: z.number().nullable(),
      ackRate: z.number().nullable()
    })
  ),
  /** Running replicas per compose service. */
  replicas: z.record(z.string(), z.number().int()),
  /** Lookups finished since the previous sample and their latency; null when there were none. */
  lookupLatency: z
    .object({ count: z.number().int(), p50Ms: z.number(), p95Ms: z.number(), maxMs: z.number() })
    .nullable()
})
export type MetricsSample = z.infer<typeof MetricsSampleSchema>
