import { createContext, useContext, useEffect, useRef } from 'react'
import type { EventName, EventPayload, PanelApi } from '../../../shared/contract'

export const PanelApiContext = createContext<PanelApi | null>(null)

export function usePanelApi(): PanelApi {
  const api = useContext(PanelApiContext)
  if (api === null) throw new Error('usePanelApi outside <PanelApiContext.Provider>')
  return api
}

/** Subscribes for the component's lifetime; the latest listener is called without resubscribing. */
export function usePanelEvent<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): void {
  const api = usePanelApi()
  const latest = useRef(listener)
  useEffect(() => {
    latest.current = listener
  })
  useEffect(() => api.on(event, (payload) => latest.current(payload)), [api, event])
}
