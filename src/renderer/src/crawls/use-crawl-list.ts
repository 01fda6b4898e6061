/**
 * The crawls list, asked again every few seconds while it is on screen (the list has no
 * pushed events: one request per interval for at most 100 summaries is cheap).
 */
import { useMemo } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { CrawlSummary } from '../../../shared/crawl'
import { usePolled } from '../api/use-polled'

const CRAWL_LIST_REFRESH_MS = 3000

export interface CrawlList {
  /** Newest first; null until the first answer. */
  crawls: CrawlSummary[] | null
  error: PanelError | null
  /** Ask now (after a start, a delete). */
  refresh: () => void
}

export function useCrawlList(onScreen: boolean): CrawlList {
  const { value, error, refresh } = usePolled('crawlList', CRAWL_LIST_REFRESH_MS, onScreen)
  const crawls = useMemo(
    () => (value === null ? null : [...value.crawls].sort((a, b) => b.createdAt.localeCompare(a.createdAt))),
    [value]
  )
  return { crawls, error, refresh }
}
