/**
 * A service's autoscale settings and recent decisions, loaded once and kept current by the
 * `autoscaleDecision` and `autoscaleSettings` events (another client may change them too).
 */
import { useEffect, useState } from 'react'
import type { PanelError } from '../../../shared/contract'
import { replicasAfter } from '../../../shared/autoscale'
import type { AutoscaleDecision, AutoscaleSettings, AutoscaleSettingsPatch } from '../../../shared/autoscale'
import { usePanelApi, usePanelEvent } from '../api/panel-context'

/** Decisions kept for the list and the chart's markers. */
const KEEP = 200

export interface Autoscale {
  settings: AutoscaleSettings | null
  /** Newest last. */
  decisions: AutoscaleDecision[]
  error: PanelError | null
  saving: boolean
  change: (patch: AutoscaleSettingsPatch) => void
  dismissError: () => void
}

export function useAutoscale(service: string): Autoscale {
  const api = usePanelApi()
  const [settings, setSettings] = useState<AutoscaleSettings | null>(null)
  const [decisions, setDecisions] = useState<AutoscaleDecision[]>([])
  const [error, setError] = useState<PanelError | null>(null)
  const [saving, setSaving] = useState(false)

  useEffect(() => {
    let live = true
    void api.invoke('autoscaleGet', { service, limit: KEEP }).then((r) => {
      if (!live) return
      if (r.ok) {
        setSettings(r.value.settings)
        setDecisions(r.value.decisions)
      } else setError(r.error)
    })
    return () => {
      live = false
    }
  }, [api, service])

  usePanelEvent('autoscaleDecision', (d) => {
    if (d.service === service) setDecisions((all) => [...all, d].slice(-KEEP))
  })
  usePanelEvent('autoscaleSettings', (s) => {
    if (s.service === service) setSettings(s.settings)
  })

  const change = (patch: AutoscaleSettingsPatch): void => {
    setSaving(true)
    setError(null)
    void api.invoke('autoscaleSet', { service, settings: patch }).then((r) => {
      setSaving(false)
      if (r.ok) setSettings(r.value.settings)
      else setError(r.error)
    })
  }
  return { settings, decisions, error, saving, change, dismissError: () => setError(null) }
}

/** The decisions that changed the replicas: what the chart marks and the list shows (a held step repeats every interval). */
export function scaleDecisions(decisions: AutoscaleDecision[]): AutoscaleDecision[] {
  return decisions.filter((d) => replicasAfter(d) !== d.current)
}
