/**
 * The fleet's resource use while the stack table is on screen: one stats follow (the server
 * shares one engine stream per container between clients), readings drawn at most once a
 * second, and the host line asked for every few seconds. Hidden, it follows nothing.
 */
import { useEffect, useRef, useState } from 'react'
import type { ContainerStats, PanelError } from '../../../shared/contract'
import type { HostInfo } from '../../../shared/fleet-stats'
import { usePanelApi } from '../api/panel-context'
import { followStream } from '../api/follow-stream'
import { withReadings } from './stats-series'
import type { StatsByContainer } from './stats-series'

const DRAW_INTERVAL_MS = 1000
const HOST_INTERVAL_MS = 5000

export interface FleetStats {
  byContainer: StatsByContainer
  host: HostInfo | null
  error: PanelError | null
}

export function useFleetStats(active: boolean): FleetStats {
  const api = usePanelApi()
  const [byContainer, setByContainer] = useState<StatsByContainer>(new Map())
  const [host, setHost] = useState<HostInfo | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  const [attempt, setAttempt] = useState(0)
  const pending = useRef<ContainerStats[]>([])

  useEffect(() => {
    if (!active) return
    let retry: ReturnType<typeof setTimeout> | null = null
    let first = true
    const close = followStream(
      api,
      'stats',
      {},
      {
        // The first readings are the recent ones kept by the server: they replace what was drawn.
        items: (readings) => {
          if (first) {
            first = false
            pending.current = []
            setError(null)
            setByContainer(withReadings(new Map(), readings))
          } else pending.current.push(...readings)
        },
        ended: () => {
          retry = setTimeout(() => setAttempt((n) => n + 1), 2000)
        },
        failed: (failure) => {
          setError(failure)
          retry = setTimeout(() => setAttempt((n) => n + 1), 5000)
        }
      }
    )
    const draw = setInterval(() => {
      const readings = pending.current.splice(0)
      if (readings.length > 0) setByContainer((current) => withReadings(current, readings))
    }, DRAW_INTERVAL_MS)
    return () => {
      close()
      clearInterval(draw)
      if (retry !== null) clearTimeout(retry)
    }
  }, [api, active, attempt])

  useEffect(() => {
    if (!active) return
    let live = true
    const ask = (): void => {
      void api.invoke('hostInfo', {}).then((result) => {
        if (live) setHost(result.ok ? result.value : null)
      })
    }
    ask()
    const timer = setInterval(ask, HOST_INTERVAL_MS)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [api, active])

  return { byContainer, host, error }
}
