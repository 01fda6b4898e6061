/**
 * The services on the bus for the console's list: asked when the Console comes on screen,
 * on Refresh, and every few seconds while it stays on screen (consumers come and go with
 * replicas). Calls never overlap: the next is scheduled when the previous answered.
 */
import { useCallback, useEffect, useState } from 'react'
import type { PanelError, RpcService } from '../../../shared/contract'
import { usePanelApi } from '../api/panel-context'
import { usePageVisible } from '../crawls/use-page-visible'

export const RPC_SERVICES_REFRESH_MS = 5000

export interface RpcServiceList {
  /** By name; null until the first answer. */
  services: RpcService[] | null
  error: PanelError | null
  refresh: () => void
}

export function useRpcServices(onScreen: boolean): RpcServiceList {
  const api = usePanelApi()
  const visible = usePageVisible()
  const [services, setServices] = useState<RpcService[] | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  const [asked, setAsked] = useState(0)

  useEffect(() => {
    if (!onScreen || !visible) return
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const ask = async (): Promise<void> => {
      const answer = await api.invoke('rpcServices', {})
      if (!live) return
      // On an error the last list stays, marked stale by the error beside it.
      if (answer.ok) setServices(answer.value.services)
      setError(answer.ok ? null : answer.error)
      timer = setTimeout(() => void ask(), RPC_SERVICES_REFRESH_MS)
    }
    void ask()
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [api, onScreen, visible, asked])

  return { services, error, refresh: useCallback(() => setAsked((n) => n + 1), []) }
}
