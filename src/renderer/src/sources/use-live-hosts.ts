/**
 * Every host's politeness status, live while the view is on screen: the `hosts` stream (one
 * snapshot now, then one each time it changes, at most every 2 s). Null until the first
 * snapshot, or when the stream failed (the view then shows the hosts of the polled source list).
 * The stream opens again a few seconds after it ended or failed.
 */
import { useEffect, useState } from 'react'
import type { HostStatus } from '../../../shared/source'
import { usePanelApi } from '../api/panel-context'
import { followStream } from '../api/follow-stream'

export function useLiveHosts(active: boolean): HostStatus[] | null {
  const api = usePanelApi()
  const [hosts, setHosts] = useState<HostStatus[] | null>(null)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    if (!active) return
    let retry: ReturnType<typeof setTimeout> | null = null
    const again = (afterMs: number): void => {
      retry = setTimeout(() => setAttempt((n) => n + 1), afterMs)
    }
    const close = followStream(
      api,
      'hosts',
      {},
      {
        items: (snapshots) => {
          const latest = snapshots.at(-1)
          if (latest !== undefined) setHosts(latest.hosts)
        },
        ended: () => again(2000),
        failed: () => {
          setHosts(null)
          again(5000)
        }
      }
    )
    return () => {
      close()
      if (retry !== null) clearTimeout(retry)
    }
  }, [api, active, attempt])

  return hosts
}
