import { useRef, useState } from 'react'
import type { ReactElement } from 'react'
import type { PanelError } from '../../../shared/contract'
import { exportFileName } from '../../../shared/crawl'
import { CHANGE_KINDS } from '../../../shared/crawl-changes'
import type { ChangeKind, CrawlChange } from '../../../shared/crawl-changes'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { TableHead } from '../components/TableHead'
import { useCrawlChanges } from './use-crawl-changes'

const KIND_LABELS: Record<ChangeKind, string> = {
  new: 'New',
  changed: 'Changed',
  unchanged: 'Unchanged',
  gone: 'Gone',
  failed: 'Failed'
}

/** The crawl's change report: counts by kind (each a filter), a search, a page of listings with their field diffs, export of the changes only. */
export function CrawlChanges(props: { crawlId: string; updatedAt: string }): ReactElement {
  const { crawlId, updatedAt } = props
  const api = usePanelApi()
  const [kind, setKind] = useState<ChangeKind | null>(null)
  const [q, setQ] = useState('')
  const view = useCrawlChanges(crawlId, kind, q, updatedAt)
  const [exportError, setExportError] = useState<PanelError | null>(null)
  const link = useRef<HTMLAnchorElement>(null)
  const counts = view.page?.counts

  const exportAs = async (format: 'changes-jsonl' | 'changes-csv'): Promise<void> => {
    setExportError(null)
    const result = await api.invoke('crawlExportUrl', { id: crawlId, format })
    if (!result.ok) return setExportError(result.error)
    const a = link.current
    if (a === null) return
    a.href = result.value.url
    a.download = exportFileName(crawlId, format)
    a.click()
  }

  return (
    <section className="panel" aria-labelledby="crawl-changes-heading" data-testid="crawl-changes">
      <div className="view__header">
        <h2 id="crawl-changes-heading">Changes since the last crawl</h2>
        <div className="toolbar">
          <label className="field">
            <span>Search</span>
            <input
              className="input"
              type="search"
              value={q}
              placeholder="title, company or id"
              data-testid="crawl-changes-search"
              onChange={(event) => setQ(event.target.value)}
            />
          </label>
          <button type="button" className="button" onClick={() => void exportAs('changes-csv')}>
            Export changes CSV
          </button>
          <button type="button" className="button" onClick={() => void exportAs('changes-jsonl')}>
            Export changes JSONL
          </button>
          <a ref={link} hidden aria-hidden="true" />
        </div>
      </div>
      <div className="toolbar" role="group" aria-label="Kind of change">
        <button
          type="button"
          className="button"
          aria-pressed={kind === null}
          onClick={() => setKind(null)}
          data-testid="crawl-changes-kind-all"
        >
          All changes
        </button>
        {CHANGE_KINDS.map((k) => (
          <button
            key={k}
            type="button"
            className="button"
            aria-pressed={kind === k}
            onClick={() => setKind(k)}
            data-testid={`crawl-changes-kind-${k}`}
          >
            {KIND_LABELS[k]}
            {counts !== undefined && ` (${counts[k].toLocaleString()})`}
          </button>
        ))}
      </div>
      {view.error && <ErrorNotice error={view.error} />}
      {exportError && <ErrorNotice error={exportError} />}
      {view.page !== null && view.page.changes.length === 0 && (
        <p className="muted">
          {kind === null ? 'Nothing new, changed or gone.' : `No ${KIND_LABELS[kind].toLowerCase()} listings.`}
        </p>
      )}
      {view.page !== null && view.page.changes.length > 0 && (
        <table className="compact-table crawl-changes" aria-busy={view.loading}>
          <TableHead columns={['Listing', 'Change', 'Title', 'Company', 'What changed']} />
          <tbody>
            {view.page.changes.map((change) => (
              <ChangeRow key={`${change.source}:${change.listingId}`} change={change} />
            ))}
          </tbody>
        </table>
      )}
      <div className="toolbar">
        <button type="button" className="button" disabled={view.pageNumber === 1} onClick={view.previous}>
          Previous
        </button>
        <span className="muted">Page {view.pageNumber}</span>
        <button type="button" className="button" disabled={!view.hasNext} onClick={view.next}>
          Next
        </button>
      </div>
    </section>
  )
}

function ChangeRow({ change }: { change: CrawlChange }): ReactElement {
  return (
    <tr data-testid="crawl-change" data-kind={change.kind}>
      <th scope="row">
        <code>{change.listingId}</code>
      </th>
      <td>{KIND_LABELS[change.kind]}</td>
      <td>{change.title ?? '—'}</td>
      <td>{change.company ?? '—'}</td>
      <td>
        {change.fields.length > 0 ? (
          <ul className="field-diffs" data-testid="field-diffs">
            {change.fields.map((f) => (
              <li key={f.field}>
                <strong>{f.field}</strong>: <del>{f.old ?? '—'}</del> → <ins>{f.new ?? '—'}</ins>
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">{change.reason ?? ''}</span>
        )}
      </td>
    </tr>
  )
}
