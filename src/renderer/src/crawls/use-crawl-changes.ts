/**
 * One page of a crawl's change report at a time (crawlChanges with its cursor), for one kind
 * or every listed kind and a search; as use-crawl-items.ts, the cursors of the pages seen are
 * kept for "Previous", and the first page follows the live crawl.
 */
import { useCallback, useEffect, useState } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { ChangeKind, CrawlChangesPage } from '../../../shared/crawl-changes'
import { usePanelApi } from '../api/panel-context'

const CHANGES_PAGE_SIZE = 50
const LIVE_REFRESH_MS = 5000

export interface CrawlChangesView {
  page: CrawlChangesPage | null
  error: PanelError | null
  loading: boolean
  pageNumber: number
  hasNext: boolean
  next: () => void
  previous: () => void
}

export function useCrawlChanges(id: string, kind: ChangeKind | null, q: string, updatedAt: string): CrawlChangesView {
  const api = usePanelApi()
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const [page, setPage] = useState<CrawlChangesPage | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  const [answered, setAnswered] = useState<string | null>(null)

  // A new crawl, kind or search starts at page 1 (state adjusted while rendering).
  const [key, setKey] = useState(`${id}|${kind}|${q}`)
  if (key !== `${id}|${kind}|${q}`) {
    setKey(`${id}|${kind}|${q}`)
    setCursors([undefined])
  }
  const cursor = cursors.at(-1)
  const liveSlot = cursors.length === 1 ? Math.floor(Date.parse(updatedAt) / LIVE_REFRESH_MS) : null
  const queryKey = JSON.stringify([id, kind, q, cursor ?? null, liveSlot])

  useEffect(() => {
    let live = true
    const query = {
      id,
      limit: CHANGES_PAGE_SIZE,
      ...(kind === null ? {} : { kind }),
      ...(q.trim() === '' ? {} : { q: q.trim() }),
      ...(cursor === undefined ? {} : { cursor })
    }
    void api.invoke('crawlChanges', query).then((result) => {
      if (!live) return
      setAnswered(queryKey)
      if (result.ok) {
        setPage(result.value)
        setError(null)
      } else setError(result.error)
    })
    return () => {
      live = false
    }
  }, [api, id, kind, q, cursor, queryKey])

  const nextCursor = page?.nextCursor ?? null
  const next = useCallback(() => {
    if (nextCursor !== null) setCursors((c) => [...c, nextCursor])
  }, [nextCursor])
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), [])
  return {
    page,
    error,
    loading: answered !== queryKey,
    pageNumber: cursors.length,
    hasNext: nextCursor !== null,
    next,
    previous
  }
}
