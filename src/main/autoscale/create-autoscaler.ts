/**
 * Wires the panel's Autoscaler to the real parts: queue figures from the broker monitor, the
 * work the crawler could dispatch now from the API's host statuses (for the scrapers),
 * per-consumer unacked from the management API, the host's cores and free memory, and the
 * scale target of the panel's driver: the stack's containers (stack-scale-target.ts) or its
 * swarm tasks (swarm-scale-target.ts).
 */
import { availableParallelism, freemem } from 'node:os'
import { rpcQueueName } from '../../shared/rpc-names'
import { createLogger } from '../../services/log'
import type { BrokerMonitor } from '../broker/broker-monitor'
import { fetchConsumerLoads } from '../broker/consumer-load'
import type { PanelSettings } from '../config/panel-config'
import { dispatchableWork } from '../../shared/dispatchable-work'
import type { DispatchableWork } from '../../shared/dispatchable-work'
import type { HostListResponse } from '../../shared/source'
import type { SourceClient } from '../clients/source-client'
import { Autoscaler } from './autoscaler'
import type { ScaleTarget } from './autoscaler'

export interface AutoscalerParts {
  settings: PanelSettings
  broker: Pick<BrokerMonitor, 'fresh'>
  target: ScaleTarget
  /** Every host's status (the API's GET /hosts); absent, the queue's backlog alone decides. */
  hosts?: Pick<SourceClient, 'hosts'>
}

export function createAutoscaler({ settings, broker, target, hosts }: AutoscalerParts): Autoscaler {
  const management = {
    url: settings.managementUrl,
    username: settings.managementUser,
    password: settings.managementPassword
  }
  return new Autoscaler({
    target,
    queueOf: (service) => {
      const rpc = settings.rpcServices[service]
      return rpc === undefined ? null : rpcQueueName(rpc)
    },
    figures: (queue) => queueFigures(broker, queue, settings.metricsIntervalMs * 2),
    consumers: (queue) => fetchConsumerLoads(management, queue),
    ...(hosts === undefined
      ? {}
      : {
          // Only the scrapers fetch from the hosts; another service's backlog is its own.
          dispatchable: async (service: string) =>
            settings.rpcServices[service] === settings.scraperService ? dispatchableNow(await hosts.hosts()) : null
        }),
    host: () => ({ cores: availableParallelism(), freeMemoryBytes: freemem() }),
    logger: createLogger('autoscale')
  })
}

/** A queue's ready and unacked from the monitor's sample when it is recent; a CLI that never started the monitor samples here. */
export async function queueFigures(
  broker: Pick<BrokerMonitor, 'fresh'>,
  queue: string,
  maxAgeMs: number
): Promise<{ ready: number; unacked: number } | null> {
  const metrics = await broker.fresh(maxAgeMs)
  const q = metrics.queues.find((x) => x.queue === queue)
  return q === undefined ? null : { ready: q.ready, unacked: q.unacked }
}

/** What the crawler could dispatch now, from every host's status (GET /hosts): a host backing off or blocked can take nothing. */
export function dispatchableNow({ hosts }: HostListResponse): DispatchableWork {
  return dispatchableWork(
    hosts.map((h) => ({
      host: h.host,
      remaining: h.remaining,
      maxInFlight: h.maxInFlight,
      held: h.blocked || h.backoffUntil !== null
    }))
  )
}
