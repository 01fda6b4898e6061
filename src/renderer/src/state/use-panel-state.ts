/**
 * The live picture every view draws from: the stack status, the broker's latest sample and
 * its history, and recent progress. Loaded once, then kept current by pushed events.
 */
import { useEffect, useState } from 'react'
import type {
  BrokerMetrics,
  MetricsSample,
  PanelConfig,
  PanelError,
  ProgressEvent,
  StackStatus
} from '../../../shared/contract'
import { usePanelApi, usePanelEvent } from '../api/panel-context'

/** History the queue chart keeps (the last 15 minutes). */
const HISTORY_WINDOW_MS = 15 * 60_000
const MAX_PROGRESS = 300

export interface RestartMark {
  at: number
  service: string
}

export interface PanelState {
  config: PanelConfig | null
  status: StackStatus | null
  statusError: PanelError | null
  metrics: BrokerMetrics | null
  metricsError: PanelError | null
  samples: MetricsSample[]
  progress: ProgressEvent[]
  restarts: RestartMark[]
}

const initial: PanelState = {
  config: null,
  status: null,
  statusError: null,
  metrics: null,
  metricsError: null,
  samples: [],
  progress: [],
  restarts: []
}

export function usePanelState(): PanelState {
  const api = usePanelApi()
  const [state, setState] = useState<PanelState>(initial)

  useEffect(() => {
    let live = true
    const update = (patch: (s: PanelState) => Partial<PanelState>): void => {
      if (live) setState((s) => ({ ...s, ...patch(s) }))
    }
    void api.invoke('config', {}).then((r) => update(() => (r.ok ? { config: r.value } : {})))
    void api
      .invoke('status', {})
      .then((r) =>
        update((s) => (r.ok ? { status: s.status ?? r.value, statusError: null } : { statusError: r.error }))
      )
    void api
      .invoke('metrics', {})
      .then((r) =>
        update((s) => (r.ok ? { metrics: s.metrics ?? r.value, metricsError: null } : { metricsError: r.error }))
      )
    void api.invoke('metricHistory', { sinceMs: Date.now() - HISTORY_WINDOW_MS }).then((r) => {
      if (r.ok) update((s) => ({ samples: mergeSamples(r.value.samples, s.samples) }))
    })
    return () => {
      live = false
    }
  }, [api])

  usePanelEvent('status', (status) => setState((s) => ({ ...s, status, statusError: null })))
  usePanelEvent('metrics', (metrics) => setState((s) => ({ ...s, metrics, metricsError: null })))
  usePanelEvent('metricsSample', (sample) => setState((s) => ({ ...s, samples: mergeSamples(s.samples, [sample]) })))
  usePanelEvent('progress', (event) =>
    setState((s) => {
      const isNewRestart = event.operation === 'restart' && !s.progress.some((p) => p.operationId === event.operationId)
      const restarts =
        isNewRestart && event.service !== null
          ? [...s.restarts, { at: Date.parse(event.at), service: event.service }]
          : s.restarts
      return { ...s, progress: [...s.progress, event].slice(-MAX_PROGRESS), restarts }
    })
  )
  return state
}

/** Oldest first, one sample per timestamp, trimmed to the chart's window. */
function mergeSamples(a: MetricsSample[], b: MetricsSample[]): MetricsSample[] {
  const byTime = new Map<number, MetricsSample>()
  for (const sample of [...a, ...b]) byTime.set(sample.at, sample)
  const merged = [...byTime.values()].sort((x, y) => x.at - y.at)
  const newest = merged.at(-1)?.at ?? 0
  return merged.filter((sample) => sample.at >= newest - HISTORY_WINDOW_MS)
}
