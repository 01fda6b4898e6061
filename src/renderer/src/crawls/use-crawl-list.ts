/**
 * The crawls list, asked again every few seconds while it is on screen (the list has no
 * pushed events: one request per interval for at most 100 summaries is cheap). Calls never
 * overlap: the next is scheduled when the previous answered.
 */
import { useCallback, useEffect, useState } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { CrawlSummary } from '../../../shared/crawl'
import { usePanelApi } from '../api/panel-context'
import { usePageVisible } from './use-page-visible'

export const CRAWL_LIST_REFRESH_MS = 3000

export interface CrawlList {
  /** Newest first; null until the first answer. */
  crawls: CrawlSummary[] | null
  error: PanelError | null
  /** Ask now (after a start, a delete). */
  refresh: () => void
}

export function useCrawlList(onScreen: boolean): CrawlList {
  const api = usePanelApi()
  const visible = usePageVisible()
  const [crawls, setCrawls] = useState<CrawlSummary[] | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  const [asked, setAsked] = useState(0)
  const active = onScreen && visible

  useEffect(() => {
    if (!active) return
    let live = true
    let timer: ReturnType<typeof setTimeout> | null = null
    const load = async (): Promise<void> => {
      const result = await api.invoke('crawlList', {})
      if (!live) return
      if (result.ok) {
        setCrawls([...result.value.crawls].sort((a, b) => b.createdAt.localeCompare(a.createdAt)))
        setError(null)
      } else setError(result.error)
      timer = setTimeout(() => void load(), CRAWL_LIST_REFRESH_MS)
    }
    void load()
    return () => {
      live = false
      if (timer !== null) clearTimeout(timer)
    }
  }, [api, active, asked])

  const refresh = useCallback(() => setAsked((n) => n + 1), [])
  return { crawls, error, refresh }
}
