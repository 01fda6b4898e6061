/** The scraper's replicas as the crawl page's stepper needs them: desired, running, and a scale action. */
import { useState } from 'react'
import type { PanelError } from '../../../shared/contract'
import { usePanelApi } from '../api/panel-context'
import { newOperationId } from '../api/operation-id'
import { scraperComposeService } from '../state/scraper-service'
import type { PanelState } from '../state/use-panel-state'

export interface ScraperScale {
  service: string
  /** Null until the stack's status is known, or when compose.yaml has no such service. */
  desired: number | null
  running: number | null
  busy: boolean
  error: PanelError | null
  scale: (replicas: number) => void
  dismissError: () => void
}

export function useScraperScale(state: PanelState): ScraperScale {
  const api = usePanelApi()
  const service = scraperComposeService(state.config)
  const status = state.status?.services.find((s) => s.name === service) ?? null
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<PanelError | null>(null)

  const scale = (replicas: number): void => {
    setBusy(true)
    setError(null)
    void api.invoke('scale', { service, replicas, operationId: newOperationId('scale') }).then((result) => {
      setBusy(false)
      if (!result.ok) setError(result.error)
    })
  }
  return {
    service,
    desired: status?.desiredReplicas ?? null,
    running: status?.runningReplicas ?? null,
    busy,
    error,
    scale,
    dismissError: () => setError(null)
  }
}
