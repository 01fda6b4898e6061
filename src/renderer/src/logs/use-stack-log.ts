/**
 * The lines the Logs view shows for one query: a page of history (newest first from the
 * store, shown in time order), older pages on demand, and, when following, the live tail
 * through the `stackLogs` stream. At most MAX_LINES are kept; nothing runs while the view is
 * not on screen.
 */
import { useCallback, useEffect, useState } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { LogQueryInput, LogRecord } from '../../../shared/log-record'
import { usePanelApi } from '../api/panel-context'
import { followStream } from '../api/follow-stream'
import { mergeLines } from './log-filter'

export const MAX_LINES = 5000
const PAGE = 200

export interface StackLogView {
  lines: LogRecord[]
  total: number | null
  error: PanelError | null
  loading: boolean
  /** The cursor of the next older page, null when the history is all shown. */
  canLoadOlder: boolean
  loadOlder: () => void
  ended: string | null
}

export function useStackLog(query: LogQueryInput | null, follow: boolean, active: boolean): StackLogView {
  const api = usePanelApi()
  const [lines, setLines] = useState<LogRecord[]>([])
  const [total, setTotal] = useState<number | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  const [loading, setLoading] = useState(false)
  const [next, setNext] = useState<string | null>(null)
  const [ended, setEnded] = useState<string | null>(null)

  useEffect(() => {
    setLines([])
    setTotal(null)
    setNext(null)
    setEnded(null)
    setError(null)
    if (!active || query === null) return
    if (follow) {
      const { until: _until, order: _order, size: _size, after: _after, ...filter } = query
      return followStream(
        api,
        'stackLogs',
        { ...filter, tail: PAGE },
        {
          items: (added) => setLines((shown) => mergeLines(shown, added, MAX_LINES)),
          ended: setEnded,
          failed: setError
        }
      )
    }
    let live = true
    setLoading(true)
    void api.invoke('logSearch', { ...query, order: 'newest', size: PAGE }).then((result) => {
      if (!live) return
      setLoading(false)
      if (!result.ok) return setError(result.error)
      setLines(mergeLines([], result.value.lines, MAX_LINES))
      setTotal(result.value.total)
      setNext(result.value.next)
    })
    return () => {
      live = false
    }
  }, [api, query, follow, active])

  const loadOlder = useCallback(() => {
    if (query === null) return
    const oldest = lines[0]
    // Following, the history before the first line shown; else the next page of the same query.
    const request =
      follow && oldest !== undefined
        ? { ...query, until: oldest.time, order: 'newest' as const, size: PAGE }
        : next !== null
          ? { ...query, after: next, order: 'newest' as const, size: PAGE }
          : null
    if (request === null) return
    setLoading(true)
    void api.invoke('logSearch', request).then((result) => {
      setLoading(false)
      if (!result.ok) return setError(result.error)
      setLines((shown) => mergeLines(result.value.lines, shown, MAX_LINES))
      if (!follow) setNext(result.value.next)
    })
  }, [api, query, follow, lines, next])

  return {
    lines,
    total,
    error,
    loading,
    canLoadOlder: follow ? lines.length > 0 : next !== null,
    loadOlder,
    ended
  }
}
