/**
 * The lines the Logs view shows for one query: a page of history (newest first from the
 * store, shown in time order), older pages on demand, and, when following, the live tail
 * through the `stackLogs` stream. At most MAX_LINES are kept; nothing runs while the view is
 * not on screen. What it holds is tagged with the query it belongs to, so a new query shows
 * nothing of the last one's.
 */
import { useCallback, useEffect, useState } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { LogQueryInput, LogRecord } from '../../../shared/log-record'
import { usePanelApi } from '../api/panel-context'
import { followStream } from '../api/follow-stream'
import { mergeLines } from './log-filter'

const MAX_LINES = 5000
const PAGE = 200

export interface StackLogView {
  lines: LogRecord[]
  total: number | null
  error: PanelError | null
  loading: boolean
  canLoadOlder: boolean
  loadOlder: () => void
  ended: string | null
}

interface Held {
  key: string
  lines: LogRecord[]
  total: number | null
  /** The cursor of the next older page (history only); null when all is shown. */
  next: string | null
  error: PanelError | null
  ended: string | null
  loading: boolean
}

const nothing = (key: string): Held => ({
  key,
  lines: [],
  total: null,
  next: null,
  error: null,
  ended: null,
  loading: false
})

export function useStackLog(query: LogQueryInput | null, follow: boolean, active: boolean): StackLogView {
  const api = usePanelApi()
  const key = JSON.stringify([query, follow])
  const [held, setHeld] = useState<Held>(() => nothing(key))
  const current = held.key === key ? held : nothing(key)
  // Changes for this query only: a late answer to an earlier one is dropped.
  const update = useCallback(
    (change: (held: Held) => Partial<Held>) =>
      setHeld((previous) => {
        const base = previous.key === key ? previous : nothing(key)
        return { ...base, ...change(base) }
      }),
    [key]
  )

  useEffect(() => {
    if (!active || query === null) return
    if (follow) {
      const { until: _until, order: _order, size: _size, after: _after, ...filter } = query
      return followStream(
        api,
        'stackLogs',
        { ...filter, tail: PAGE },
        {
          items: (added) => update((h) => ({ lines: mergeLines(h.lines, added, MAX_LINES), error: null })),
          ended: (reason) => update(() => ({ ended: reason })),
          failed: (error) => update(() => ({ error }))
        }
      )
    }
    let live = true
    void api.invoke('logSearch', { ...query, order: 'newest', size: PAGE }).then((result) => {
      if (!live) return
      if (!result.ok) return update(() => ({ error: result.error }))
      update(() => ({
        lines: mergeLines([], result.value.lines, MAX_LINES),
        total: result.value.total,
        next: result.value.next,
        error: null
      }))
    })
    return () => {
      live = false
    }
  }, [api, query, follow, active, update])

  const loadOlder = useCallback(() => {
    if (query === null) return
    const oldest = current.lines[0]
    // Following, the history before the first line shown; else the next page of the same query.
    const request =
      follow && oldest !== undefined
        ? { ...query, until: oldest.time, order: 'newest' as const, size: PAGE }
        : current.next !== null
          ? { ...query, after: current.next, order: 'newest' as const, size: PAGE }
          : null
    if (request === null) return
    update(() => ({ loading: true }))
    void api.invoke('logSearch', request).then((result) => {
      if (!result.ok) return update(() => ({ loading: false, error: result.error }))
      update((h) => ({
        loading: false,
        lines: mergeLines(result.value.lines, h.lines, MAX_LINES),
        ...(follow ? {} : { next: result.value.next })
      }))
    })
  }, [api, query, follow, current.lines, current.next, update])

  return {
    lines: current.lines,
    total: current.total,
    error: current.error,
    loading: current.loading,
    canLoadOlder: follow ? current.lines.length > 0 : current.next !== null,
    loadOlder,
    ended: current.ended
  }
}
