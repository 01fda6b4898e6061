/**
 * The autoscale operations: a service's settings and last decisions, over the main process's
 * Autoscaler (src/main/autoscale/autoscaler.ts). A shell without one (a unit test's fakes)
 * answers that autoscaling is not available here.
 */
import type { OperationName, OperationResponse, ParsedRequest } from '../../shared/contract'
import type { Autoscaler } from '../autoscale/autoscaler'
import { StackError } from '../stack/stack-error'

type AutoscaleOperation = Extract<OperationName, `autoscale${string}`>
type Handler<K extends OperationName> = (request: ParsedRequest<K>) => Promise<OperationResponse<K>>

export type AutoscalerView = Pick<Autoscaler, 'state' | 'configure' | 'on' | 'close'>

export function autoscaleHandlers(autoscaler: AutoscalerView | undefined): { [K in AutoscaleOperation]: Handler<K> } {
  const need = (): AutoscalerView => {
    if (autoscaler === undefined)
      throw new StackError(
        'Internal',
        'This panel runs no autoscaler',
        'Autoscaling runs in the panel composed by src/main/panel-composition.ts.'
      )
    return autoscaler
  }
  return {
    autoscaleGet: async (r) => need().state(r.service, r.limit),
    autoscaleSet: async (r) => need().configure(r.service, r.settings)
  }
}
