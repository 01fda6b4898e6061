/**
 * The services on the bus for the console's list: asked when the Console comes on screen,
 * on Refresh, and every few seconds while it stays there (consumers come and go with replicas).
 */
import type { RpcService } from '../../../shared/contract'
import { usePolled } from '../api/use-polled'
import type { Polled } from '../api/use-polled'

const RPC_SERVICES_REFRESH_MS = 5000

export type RpcServiceList = Omit<Polled<unknown>, 'value'> & { services: RpcService[] | null }

export function useRpcServices(onScreen: boolean): RpcServiceList {
  const { value, error, refresh } = usePolled('rpcServices', RPC_SERVICES_REFRESH_MS, onScreen)
  return { services: value?.services ?? null, error, refresh }
}
