/** Where Docker's view (replicas running) and RabbitMQ's view (consumers) of a service disagree. */
import type { HealthFinding, QueueMetrics } from '../../shared/contract'
import { rpcQueueName } from '../../shared/rpc-names'

export interface ReplicaView {
  /** Compose service name, e.g. `scraper`. */
  service: string
  /** The Nameko service its replicas serve, e.g. the scraper's long name. */
  rpcService: string
  running: number
}

export function crossLayerFindings(queues: QueueMetrics[], replicas: ReplicaView[]): HealthFinding[] {
  const findings: HealthFinding[] = []
  const byService = new Map(queues.map((q) => [q.service, q]))
  for (const r of replicas) {
    const q = byService.get(r.rpcService)
    const queue = rpcQueueName(r.rpcService)
    const consumers = q?.consumers ?? 0
    if (r.running > consumers) {
      findings.push({
        kind: 'replicas-not-consuming',
        severity: consumers === 0 ? 'error' : 'warning',
        service: r.service,
        queue,
        message: `${r.running - consumers} of ${r.running} ${r.service} replicas run but do not consume ${queue} (${consumers} consumer${consumers === 1 ? '' : 's'})`
      })
    } else if (consumers > r.running) {
      findings.push({
        kind: 'consumers-without-replicas',
        severity: 'warning',
        service: r.service,
        queue,
        message: `${queue} has ${consumers} consumers but only ${r.running} ${r.service} replicas run: something outside the stack consumes it`
      })
    }
  }
  for (const q of queues) {
    if (q.ready > 0 && q.consumers === 0) {
      findings.push({
        kind: 'backlog-without-consumers',
        severity: 'error',
        service: q.service,
        queue: q.queue,
        message: `${q.ready} message${q.ready === 1 ? '' : 's'} wait on ${q.queue} and nothing consumes it`
      })
    }
  }
  return findings
}
