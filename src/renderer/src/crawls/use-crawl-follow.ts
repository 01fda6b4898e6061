/**
 * A crawl's detail, live while the component is mounted (crawl-follower.ts; rendered at most
 * RENDER_INTERVAL_MS apart). The web shell's client keeps the follow across a reconnect.
 */
import { useCallback, useEffect, useState } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { CrawlDetail, CrawlSummary } from '../../../shared/crawl'
import { usePanelApi } from '../api/panel-context'
import { followCrawl } from './crawl-follower'

/** At most 4 renders a second, whatever the server sends. */
const RENDER_INTERVAL_MS = 250

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

  useEffect(
    () => followCrawl(api, id, { detail: setDetail, error: setError, ended: setEnded }, RENDER_INTERVAL_MS),
    [api, id, attempt]
  )

  const retry = useCallback(() => {
    setError(null)
    setEnded(null)
    setAttempt((n) => n + 1)
  }, [])
  const applySummary = useCallback(
    (summary: CrawlSummary) => setDetail((d) => (d === null ? d : { ...d, ...summary })),
    []
  )
  return { detail, error, ended, retry, applySummary }
}
