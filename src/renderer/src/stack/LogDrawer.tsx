import { useEffect, useRef, useState } from 'react'
import type { ReactElement } from 'react'
import type { LogLine, PanelError } from '../../../shared/contract'
import { usePanelApi, usePanelEvent } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'

const TAIL = 200
const MAX_LINES = 5000

/** The last lines of one container, optionally followed live, with a text filter. */
export function LogDrawer(props: { service: string; container: string; onClose: () => void }): ReactElement {
  const { service, container, onClose } = props
  const api = usePanelApi()
  const [lines, setLines] = useState<LogLine[]>([])
  const [follow, setFollow] = useState(true)
  const [filter, setFilter] = useState('')
  const [error, setError] = useState<PanelError | null>(null)
  const [streamId, setStreamId] = useState<string | null>(null)
  // Lines of a stream can arrive before the answer that names it; they wait here until then.
  const early = useRef<(LogLine & { streamId: string })[]>([])
  const current = useRef<string | null>(null)
  const bottom = useRef<HTMLDivElement>(null)
  const heading = useRef<HTMLHeadingElement>(null)

  useEffect(() => heading.current?.focus(), [container])

  useEffect(() => {
    let live = true
    let opened: string | null = null
    current.current = null
    early.current = []
    void api.invoke('logs', { service, container, tail: TAIL, follow }).then((result) => {
      if (!result.ok) {
        if (live) setError(result.error)
        return
      }
      opened = result.value.streamId
      if (!live) {
        if (opened !== null) void api.invoke('stopLogs', { streamId: opened })
        return
      }
      setError(null)
      const waiting = early.current.filter((l) => l.streamId === opened)
      early.current = []
      current.current = opened
      setLines([...result.value.lines, ...waiting].slice(-MAX_LINES))
      setStreamId(opened)
    })
    return () => {
      live = false
      current.current = null
      if (opened !== null) void api.invoke('stopLogs', { streamId: opened })
    }
  }, [api, service, container, follow])

  usePanelEvent('logLine', (line) => {
    if (line.streamId === current.current) setLines((previous) => [...previous, line].slice(-MAX_LINES))
    else if (current.current === null && early.current.length < MAX_LINES) early.current.push(line)
  })
  usePanelEvent('logEnd', (end) => {
    if (end.streamId === streamId) setStreamId(null)
  })

  useEffect(() => {
    if (follow) bottom.current?.scrollIntoView({ block: 'end' })
  }, [lines, follow])

  const needle = filter.trim().toLowerCase()
  const shown = needle === '' ? lines : lines.filter((l) => l.line.toLowerCase().includes(needle))

  return (
    <aside
      className="log-drawer"
      aria-label={`Logs of ${container}`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose()
      }}
    >
      <header className="log-drawer__header">
        <h2 tabIndex={-1} ref={heading}>
          Logs: {container}
        </h2>
        <label className="checkbox">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} /> Follow
        </label>
        <input
          type="search"
          className="input"
          placeholder="Filter lines"
          aria-label="Filter log lines"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
        <span className="muted">
          {shown.length} of {lines.length} lines{follow && streamId === null && lines.length > 0 ? ' (stream ended)' : ''}
        </span>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error && <ErrorNotice error={error} />}
      <pre className="log-drawer__lines" tabIndex={0} aria-label="Log lines">
        {shown.map((l, i) => (
          <div key={i} className={l.stream === 'stderr' ? 'log-line log-line--stderr' : 'log-line'}>
            {l.time !== null && <span className="log-line__time">{l.time.slice(11, 19)} </span>}
            {l.line}
          </div>
        ))}
        <div ref={bottom} />
      </pre>
    </aside>
  )
}
