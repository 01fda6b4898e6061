/**
 * Wires the panel's Autoscaler to the real parts: queue figures from the broker monitor,
 * per-consumer unacked from the management API, the host's cores and free memory, and the
 * stack's containers as the scale target.
 */
import { availableParallelism, freemem } from 'node:os'
import { rpcQueueName } from '../../shared/rpc-names'
import { createLogger } from '../../services/log'
import type { BrokerMonitor } from '../broker/broker-monitor'
import { fetchConsumerLoads } from '../broker/consumer-load'
import type { PanelSettings } from '../controller/panel-config'
import { Autoscaler } from './autoscaler'
import { stackScaleTarget } from './stack-scale-target'
import type { StackScaleTargetParts } from './stack-scale-target'

export interface AutoscalerParts extends Omit<StackScaleTargetParts, 'report' | 'projectName' | 'runtime'> {
  settings: PanelSettings
  broker: Pick<BrokerMonitor, 'fresh'>
  runtime: StackScaleTargetParts['runtime']
}

export function createAutoscaler({ settings, broker, runtime, orchestrator, loadProject }: AutoscalerParts): Autoscaler {
  const management = { url: settings.managementUrl, username: settings.managementUser, password: settings.managementPassword }
  return new Autoscaler({
    target: stackScaleTarget({ runtime, orchestrator, loadProject, projectName: settings.project, report: () => undefined }),
    queueOf: (service) => {
      const rpc = settings.rpcServices[service]
      return rpc === undefined ? null : rpcQueueName(rpc)
    },
    figures: async (queue) => {
      // The monitor's own sample when it is recent; a CLI that never started the monitor samples here.
      const metrics = await broker.fresh(settings.metricsIntervalMs * 2)
      const q = metrics.queues.find((x) => x.queue === queue)
      return q === undefined ? null : { ready: q.ready, unacked: q.unacked }
    },
    consumers: (queue) => fetchConsumerLoads(management, queue),
    host: () => ({ cores: availableParallelism(), freeMemoryBytes: freemem() }),
    logger: createLogger('autoscale')
  })
}
