import { useMemo, useState } from 'react'
import type { FormEvent, ReactElement } from 'react'
import { LOG_LEVELS } from '../../../shared/log-record'
import type { LogLevel, LogQueryInput, LogRecord } from '../../../shared/log-record'
import { ErrorNotice } from '../components/ErrorNotice'
import { TableHead } from '../components/TableHead'
import { EMPTY_FILTER, fieldsSummary, logQueryOf } from './log-filter'
import type { LogFilter } from './log-filter'
import { useStackLog } from './use-stack-log'

/** Rows on screen at once: the newest of the lines kept (older ones are a filter or a page away). */
const RENDERED = 500

/**
 * The stack's log: every service and replica merged in time order, from the log store, live
 * or as history, filtered; a line's fields expand on click. `initial` is the filter it opens
 * with (from a crawl page or an item row: App mounts it anew for each such request).
 */
export function LogsView(props: { active: boolean; initial: LogFilter | null }): ReactElement {
  const { active, initial } = props
  const [draft, setDraft] = useState<LogFilter>(initial ?? EMPTY_FILTER)
  const [applied, setApplied] = useState<LogQueryInput | null>(() => logQueryOf(initial ?? EMPTY_FILTER).query)
  const [problem, setProblem] = useState<string | null>(null)
  const [follow, setFollow] = useState(true)
  const [open, setOpen] = useState<string | null>(null)

  const apply = (filter: LogFilter): void => {
    const { query, problem: wrong } = logQueryOf(filter)
    setProblem(wrong)
    if (wrong === null) setApplied(query)
  }
  const live = follow && (applied?.until ?? '') === ''
  const view = useStackLog(applied, live, active)
  const shown = useMemo(() => view.lines.slice(-RENDERED), [view.lines])
  const edit = (name: keyof LogFilter) => (value: string) => setDraft((d) => ({ ...d, [name]: value }))

  return (
    <section className="view logs-view" aria-labelledby="logs-heading" data-testid="logs-view">
      <header className="view__header">
        <h1 id="logs-heading">Logs</h1>
        <label className="checkbox">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} /> Live
        </label>
      </header>
      <form
        className="toolbar logs-view__filters"
        aria-label="Log filters"
        onSubmit={(event: FormEvent) => {
          event.preventDefault()
          apply(draft)
        }}
      >
        <FilterInput label="Service" value={draft.service} onChange={edit('service')} placeholder="scraper, api…" />
        <FilterInput label="Replica" value={draft.replica} onChange={edit('replica')} />
        <label className="field">
          <span>Level</span>
          <select
            className="input"
            value={draft.level}
            onChange={(event) => setDraft((d) => ({ ...d, level: event.target.value as LogLevel | '' }))}
          >
            <option value="">all</option>
            {LOG_LEVELS.map((level) => (
              <option key={level} value={level}>
                {level}+
              </option>
            ))}
          </select>
        </label>
        <FilterInput label="Since" value={draft.since} onChange={edit('since')} placeholder="1h or ISO time" />
        <FilterInput label="Until" value={draft.until} onChange={edit('until')} placeholder="ISO time" />
        <FilterInput label="Crawl" value={draft.crawlId} onChange={edit('crawlId')} testId="logs-crawl" />
        <FilterInput label="Listing" value={draft.listingId} onChange={edit('listingId')} testId="logs-listing" />
        <FilterInput label="Words" value={draft.text} onChange={edit('text')} />
        <FilterInput label="Exact message" value={draft.exact} onChange={edit('exact')} />
        <FilterInput label="Field" value={draft.field} onChange={edit('field')} placeholder="kind=ListingNotFound" />
        <button type="submit" className="button">
          Show
        </button>
      </form>
      {problem !== null && <p role="alert">{problem}</p>}
      {view.error && <ErrorNotice error={view.error} />}
      <p className="muted" role="status" data-testid="logs-count">
        {shown.length < view.lines.length ? `newest ${shown.length} of ` : ''}
        {view.lines.length} lines{view.total !== null ? ` (${view.total} match)` : ''}
        {live ? (view.ended === null ? ' · live' : ` · live ended: ${view.ended}`) : ''}
      </p>
      <button
        type="button"
        className="button button--quiet"
        disabled={!view.canLoadOlder || view.loading}
        onClick={view.loadOlder}
      >
        Older lines
      </button>
      <table className="compact-table logs-table" data-testid="logs-table">
        <TableHead columns={['Time', 'Level', 'Service / replica', 'Message', 'Fields']} />
        <tbody>
          {shown.map((line) => (
            <LogRow
              key={line.id}
              line={line}
              open={open === line.id}
              onToggle={() => setOpen(open === line.id ? null : line.id)}
            />
          ))}
        </tbody>
      </table>
    </section>
  )
}

function LogRow(props: { line: LogRecord; open: boolean; onToggle: () => void }): ReactElement {
  const { line, open, onToggle } = props
  return (
    <>
      <tr className={`log-row log-row--${line.level}`} data-testid="log-row" data-level={line.level}>
        <td>
          <time dateTime={line.time}>{line.time.slice(11, 23)}</time>
        </td>
        <td>{line.level}</td>
        <td>
          {line.service}/{line.replica}
        </td>
        <td>
          <button type="button" className="button button--quiet" aria-expanded={open} onClick={onToggle}>
            {line.msg}
          </button>
        </td>
        <td className="muted logs-table__fields">{fieldsSummary(line.fields)}</td>
      </tr>
      {open && (
        <tr className="log-row__detail">
          <td colSpan={5}>
            <pre>
              {JSON.stringify(
                {
                  time: line.time,
                  component: line.component,
                  service: line.service,
                  replica: line.replica,
                  ...line.fields
                },
                null,
                2
              )}
            </pre>
          </td>
        </tr>
      )}
    </>
  )
}

function FilterInput(props: {
  label: string
  value: string
  onChange: (value: string) => void
  placeholder?: string
  testId?: string
}): ReactElement {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        className="input"
        value={props.value}
        placeholder={props.placeholder}
        data-testid={props.testId}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </label>
  )
}
