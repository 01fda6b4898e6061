import { useEffect, useRef, useState } from 'react'
import type { ReactElement } from 'react'
import type { LogLine, PanelError } from '../../../shared/contract'
import { usePanelApi } from '../api/panel-context'
import { followStream } from '../api/follow-stream'
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
  const [ended, setEnded] = useState(false)
  const bottom = useRef<HTMLDivElement>(null)
  const heading = useRef<HTMLHeadingElement>(null)

  useEffect(() => heading.current?.focus(), [container])

  useEffect(() => {
    if (follow) {
      // The tail comes as the stream's first lines, which replace what was shown; lines after
      // that (and after a reconnect, which sends no tail again) add to them.
      let first = true
      return followStream(
        api,
        'logs',
        { service, container, tail: TAIL },
        {
          items: (added) => {
            const replace = first
            first = false
            if (replace) {
              setError(null)
              setEnded(false)
            }
            setLines((previous) => (replace ? added : [...previous, ...added]).slice(-MAX_LINES))
          },
          ended: () => setEnded(true),
          failed: setError
        }
      )
    }
    let live = true
    void api.invoke('logs', { service, container, tail: TAIL }).then((result) => {
      if (!live) return
      setEnded(false)
      if (result.ok) {
        setError(null)
        setLines(result.value.lines)
      } else setError(result.error)
    })
    return () => {
      live = false
    }
  }, [api, service, container, follow])

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
          {shown.length} of {lines.length} lines{follow && ended ? ' (stream ended)' : ''}
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
