/**
 * A crawl's detail, live: crawlFollow on mount, then crawlProgress events for that follow
 * (rendered at most RENDER_INTERVAL_MS apart), crawlUnfollow on unmount. Events that arrive
 * before crawlFollow answers are kept by followId and replayed once the id is known, so an
 * end that comes early is not missed. A follow the web shell's dropped connection ended is
 * opened again at once (the call waits for the reconnect).
 */
import { useCallback, useEffect, useState } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { CrawlDetail, CrawlSummary } from '../../../shared/crawl'
import { usePanelApi } from '../api/panel-context'
import { FOLLOW_CONNECTION_LOST } from '../api/socket-panel-api'
import { LatestThrottle } from './latest-throttle'

/** At most 4 renders a second, whatever the server sends. */
export const RENDER_INTERVAL_MS = 250

export interface CrawlFollow {
  detail: CrawlDetail | null
  error: PanelError | null
  /** Why the follow ended (the crawl ended, the coordinator went away); null while live. */
  ended: string | null
  /** Follow again (after an error or an end that was not the crawl's). */
  retry: () => void
  /** An action's answer, shown at once rather than at the next event. */
  applySummary: (summary: CrawlSummary) => void
}

export function useCrawlFollow(id: string): CrawlFollow {
  const api = usePanelApi()
  const [detail, setDetail] = useState<CrawlDetail | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  const [ended, setEnded] = useState<string | null>(null)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let followId: string | null = null
    let closed = false
    let finished = false
    const early = new Map<string, { detail?: CrawlDetail; end?: string }>()
    const throttle = new LatestThrottle<CrawlDetail>(RENDER_INTERVAL_MS, setDetail)
    const onEnd = (reason: string): void => {
      finished = true
      throttle.flush()
      throttle.cancel()
      if (reason === FOLLOW_CONNECTION_LOST && !closed) setAttempt((n) => n + 1)
      else setEnded(reason)
    }
    const offProgress = api.on('crawlProgress', (event) => {
      if (followId === null) early.set(event.followId, { ...early.get(event.followId), detail: event.detail })
      else if (event.followId === followId && !finished) throttle.push(event.detail)
    })
    const offEnd = api.on('crawlProgressEnd', (event) => {
      if (followId === null) early.set(event.followId, { ...early.get(event.followId), end: event.reason })
      else if (event.followId === followId) onEnd(event.reason)
    })
    void api.invoke('crawlFollow', { id }).then((result) => {
      if (closed) {
        if (result.ok) void api.invoke('crawlUnfollow', { followId: result.value.followId })
        return
      }
      if (!result.ok) {
        setError(result.error)
        return
      }
      followId = result.value.followId
      const before = early.get(followId)
      early.clear()
      setDetail(before?.detail ?? result.value.detail)
      if (before?.end !== undefined) onEnd(before.end)
    })
    return () => {
      closed = true
      offProgress()
      offEnd()
      throttle.cancel()
      if (followId !== null && !finished) void api.invoke('crawlUnfollow', { followId })
    }
  }, [api, id, attempt])

  const retry = useCallback(() => {
    setError(null)
    setEnded(null)
    setAttempt((n) => n + 1)
  }, [])
  const applySummary = useCallback((summary: CrawlSummary) => setDetail((d) => (d === null ? d : { ...d, ...summary })), [])
  return { detail, error, ended, retry, applySummary }
}
