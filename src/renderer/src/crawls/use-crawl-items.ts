/**
 * One page of a crawl's items at a time (crawlItems with its cursor), never the whole crawl:
 * a 10,000-id crawl shows 50 rows. The cursors of the pages already seen are kept so
 * "Previous" goes back without the server keeping state. The first page follows the crawl:
 * it is asked again when the crawl changed, at most every LIVE_REFRESH_MS.
 */
import { useCallback, useEffect, useState } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { CrawlItem, CrawlItemState } from '../../../shared/crawl'
import { usePanelApi } from '../api/panel-context'

export const ITEMS_PAGE_SIZE = 50
const LIVE_REFRESH_MS = 5000

export interface CrawlItemsView {
  items: CrawlItem[] | null
  error: PanelError | null
  loading: boolean
  /** 1-based number of the page shown. */
  page: number
  hasNext: boolean
  next: () => void
  previous: () => void
  reload: () => void
}

/** `updatedAt`: the crawl's, as the live detail has it. */
export function useCrawlItems(id: string, state: CrawlItemState | null, updatedAt: string): CrawlItemsView {
  const api = usePanelApi()
  // cursors[i] opens page i + 1; the first page has none.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const [items, setItems] = useState<CrawlItem[] | null>(null)
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  /** The query the items shown answer; while it differs from the current one, a page is loading. */
  const [answered, setAnswered] = useState<string | null>(null)
  const [asked, setAsked] = useState(0)

  // A new crawl or filter starts at page 1 (state adjusted while rendering, as React advises).
  const [key, setKey] = useState(`${id}|${state}`)
  if (key !== `${id}|${state}`) {
    setKey(`${id}|${state}`)
    setCursors([undefined])
  }
  const cursor = cursors.at(-1)
  const liveSlot = cursors.length === 1 ? Math.floor(Date.parse(updatedAt) / LIVE_REFRESH_MS) : null
  const queryKey = JSON.stringify([id, state, cursor ?? null, asked, liveSlot])

  useEffect(() => {
    let live = true
    const query = {
      id,
      limit: ITEMS_PAGE_SIZE,
      ...(state === null ? {} : { state }),
      ...(cursor === undefined ? {} : { cursor })
    }
    void api.invoke('crawlItems', query).then((result) => {
      if (!live) return
      setAnswered(queryKey)
      if (result.ok) {
        setItems(result.value.items)
        setNextCursor(result.value.nextCursor)
        setError(null)
      } else setError(result.error)
    })
    return () => {
      live = false
    }
  }, [api, id, state, cursor, queryKey])

  const next = useCallback(() => {
    if (nextCursor !== null) setCursors((c) => [...c, nextCursor])
  }, [nextCursor])
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), [])
  const reload = useCallback(() => setAsked((n) => n + 1), [])
  return {
    items,
    error,
    loading: answered !== queryKey,
    page: cursors.length,
    hasNext: nextCursor !== null,
    next,
    previous,
    reload
  }
}
