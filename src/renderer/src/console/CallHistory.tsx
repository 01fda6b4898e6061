/** The calls made from this browser, newest first: choose one to edit it, or run it again as it was. */
import type { ReactElement } from 'react'
import { formatTook } from '../lookup/format-listing'
import type { HistoryEntry } from './call-history'

export interface CallHistoryProps {
  history: HistoryEntry[]
  /** How many of them survive a reload (the rest did not fit the storage budget). */
  stored: number
  busy: boolean
  onEdit: (entry: HistoryEntry) => void
  onRunAgain: (entry: HistoryEntry) => void
  onClear: () => void
}

export function CallHistory(props: CallHistoryProps): ReactElement {
  const { history } = props
  return (
    <aside className="panel console-history" aria-labelledby="console-history-heading">
      <div className="view__header">
        <h2 id="console-history-heading">History</h2>
        {history.length > 0 && (
          <button type="button" className="button button--quiet" onClick={props.onClear}>
            Clear
          </button>
        )}
      </div>
      {history.length === 0 && <p className="muted">Calls you make appear here, and stay after a reload.</p>}
      <ol className="history" data-testid="rpc-history">
        {history.map((entry) => (
          <li key={entry.id} className="console-history__entry">
            <button
              type="button"
              className="link-button"
              title="Put this call in the form"
              onClick={() => props.onEdit(entry)}
            >
              {entry.service}.{entry.method}
            </button>
            <code className="console-history__args">{summary(entry)}</code>
            <span className={`muted console-history__outcome console-history__outcome--${entry.outcome.kind}`}>
              {entry.outcome.kind === 'result' ? 'ok' : (entry.outcome.excType ?? entry.outcome.errorKind)},{' '}
              {formatTook(entry.outcome.tookMs)} · {new Date(entry.at).toLocaleTimeString()}
            </span>
            <button
              type="button"
              className="button button--quiet"
              disabled={props.busy}
              aria-label={`Run ${entry.service}.${entry.method} again`}
              onClick={() => props.onRunAgain(entry)}
            >
              Run again
            </button>
          </li>
        ))}
      </ol>
      {props.stored < history.length && (
        <p className="muted">The oldest {history.length - props.stored} are too large to keep after a reload.</p>
      )}
    </aside>
  )
}

/** args and kwargs on one short line. */
function summary(entry: HistoryEntry): string {
  const parts = [entry.args.trim(), entry.kwargs.trim()].filter((t) => t !== '' && t !== '[]' && t !== '{}')
  const text = parts.length === 0 ? 'no arguments' : parts.join(' ').replace(/\s+/g, ' ')
  return text.length > 60 ? `${text.slice(0, 59)}…` : text
}
