import { useRef, useState } from 'react'
import type { ReactElement } from 'react'
import type { PanelError, Result } from '../../../shared/contract'
import type { CrawlAction, CrawlSummary, ExportFormat } from '../../../shared/crawl'
import { exportFileName } from '../../../shared/crawl'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'

const DOING: Record<CrawlAction, string> = {
  cancel: 'Cancelling',
  pause: 'Pausing',
  resume: 'Resuming',
  retry: 'Retrying the failed ids'
}

/** Retry failed, pause, resume, cancel, delete (asked twice) and export; each offered only when it can apply. */
export function CrawlActions(props: {
  crawl: CrawlSummary
  onSummary: (summary: CrawlSummary) => void
  onDeleted: () => void
}): ReactElement {
  const { crawl, onSummary, onDeleted } = props
  const api = usePanelApi()
  /** What is being done, in words, while an action's answer is awaited (a cancel can take seconds). */
  const [pending, setPending] = useState<string | null>(null)
  const busy = pending !== null
  const [error, setError] = useState<PanelError | null>(null)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const link = useRef<HTMLAnchorElement>(null)

  const run = async <T,>(doing: string, call: () => Promise<Result<T>>, then: (value: T) => void): Promise<void> => {
    setPending(doing)
    setError(null)
    const result = await call()
    setPending(null)
    if (result.ok) then(result.value)
    else setError(result.error)
  }
  const act = (action: CrawlAction): void =>
    void run(DOING[action], () => api.invoke('crawlAction', { id: crawl.id, action }), onSummary)
  const remove = (): void =>
    void run(
      'Deleting',
      () => api.invoke('crawlDelete', { id: crawl.id }),
      () => {
        setConfirmDelete(false)
        onDeleted()
      }
    )
  // The shell answers with a URL that streams the export; a download link fetches it as a file.
  const exportAs = (format: ExportFormat): void =>
    void run(
      'Preparing the export',
      () => api.invoke('crawlExportUrl', { id: crawl.id, format }),
      ({ url }) => {
        const a = link.current
        if (a === null) return
        a.href = url
        a.download = exportFileName(crawl.id, format)
        a.click()
      }
    )

  const running = crawl.state === 'running'
  const paused = crawl.state === 'paused'
  return (
    <div className="crawl-actions">
      <div className="toolbar">
        <button
          type="button"
          className="button"
          disabled={busy || crawl.failed === 0 || crawl.state === 'cancelled'}
          onClick={() => act('retry')}
          data-testid="crawl-retry"
        >
          Retry failed{crawl.failed > 0 && ` (${crawl.failed.toLocaleString()})`}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy || !running}
          onClick={() => act('pause')}
          data-testid="crawl-pause"
        >
          Pause
        </button>
        <button
          type="button"
          className="button"
          disabled={busy || !paused}
          onClick={() => act('resume')}
          data-testid="crawl-resume"
        >
          Resume
        </button>
        <button
          type="button"
          className="button"
          disabled={busy || !(running || paused)}
          onClick={() => act('cancel')}
          data-testid="crawl-cancel"
        >
          Cancel
        </button>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => exportAs('csv')}
          data-testid="crawl-export-csv"
        >
          Export CSV
        </button>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => exportAs('jsonl')}
          data-testid="crawl-export-jsonl"
        >
          Export JSONL
        </button>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => exportAs('summary')}
          data-testid="crawl-export-summary"
          title="Counts, errors and per-host HTTP statistics as one JSON document"
        >
          Export summary
        </button>
        {confirmDelete ? (
          <span className="crawl-actions__confirm" role="group" aria-label="Confirm delete">
            Delete this crawl and its ledger?{' '}
            <button
              type="button"
              className="button button--danger"
              disabled={busy}
              onClick={remove}
              data-testid="crawl-delete-confirm"
            >
              Delete
            </button>{' '}
            <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => setConfirmDelete(true)}
            data-testid="crawl-delete"
          >
            Delete…
          </button>
        )}
        {pending !== null && (
          <span className="muted" role="status" data-testid="crawl-action-pending">
            {pending}…
          </span>
        )}
        <a ref={link} className="visually-hidden" aria-hidden="true" tabIndex={-1} data-testid="crawl-export-link">
          download
        </a>
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </div>
  )
}
