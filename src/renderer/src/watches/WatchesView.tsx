import { useState } from 'react'
import type { ReactElement } from 'react'
import type { RevealedWatch, Watch } from '../../../shared/watch'
import { describeSchedule } from '../../../shared/watch-schedule'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { ItemButtons } from '../components/ItemButtons'
import { TableHead } from '../components/TableHead'
import { useRowActions } from '../components/use-row-actions'
import { useSources } from '../sources/use-sources'
import { WatchForm } from './WatchForm'
import { WatchRunsChart } from './WatchRunsChart'
import { useWatches } from './use-watches'
import { runOutcomeText } from './watch-runs'

/**
 * Crawls on a schedule, run by the stack's coordinator (closing the panel stops nothing):
 * each watch's schedule in words, next run, last run and its outcome, and its last runs as a
 * chart; add, edit, run now, pause, resume, remove.
 */
export function WatchesView({ active }: { active: boolean }): ReactElement {
  const api = usePanelApi()
  const { watches, error, refresh } = useWatches(active)
  const { sources } = useSources(active)
  const [form, setForm] = useState<{ editing: Watch | null } | null>(null)
  const { act, actionError, dismiss } = useRowActions(refresh)
  // A new watch's webhook secret, shown once (it is not in the list's answers).
  const [added, setAdded] = useState<RevealedWatch | null>(null)

  return (
    <section className="view" aria-labelledby="watches-heading">
      <header className="view__header">
        <h1 id="watches-heading">Watches</h1>
        <button
          type="button"
          className="button button--primary"
          data-testid="watch-add"
          onClick={() => setForm({ editing: null })}
        >
          Add a watch
        </button>
      </header>
      {form !== null && (
        <WatchForm
          key={form.editing?.id ?? '(new)'}
          editing={form.editing}
          sources={sources}
          onDone={(watch) => {
            setForm(null)
            if (watch?.webhook != null) setAdded(watch)
            refresh()
          }}
        />
      )}
      {added !== null && (
        <div className="panel" role="status" data-testid="watch-secret">
          <p>
            The webhook of <strong>{added.name}</strong> gets its health alerts signed with this secret (the
            X-Scrapedeck-Signature header); it is shown once here, and by <code>deck watch show --reveal</code>:
          </p>
          <code className="secret">{added.secret}</code>{' '}
          <button type="button" className="button button--quiet" onClick={() => setAdded(null)}>
            Done
          </button>
        </div>
      )}
      {error && <ErrorNotice error={error} />}
      {actionError && <ErrorNotice error={actionError} onDismiss={dismiss} />}
      {watches === null ? (
        <p className="muted">Asking the stack for its watches…</p>
      ) : watches.length === 0 ? (
        <p className="muted">No watches yet: add one to crawl sources on a schedule.</p>
      ) : (
        <table className="sources watches" data-testid="watch-list">
          <TableHead columns={['Watch', 'Schedule', 'Next run', 'Last run', 'Last runs', '']} />
          <tbody>
            {watches.map((watch) => {
              const last = watch.runs[0]
              return (
                <tr key={watch.id} data-testid="watch-row" data-watch={watch.id} data-paused={watch.paused}>
                  <th scope="row">
                    {watch.name}
                    {watch.paused && <span className="muted"> · paused</span>}
                    <div className="muted">{watch.sources.join(', ')}</div>
                    {watch.webhook !== null && (
                      <div className="muted" data-testid="watch-webhook-state">
                        webhook {watch.webhook}
                        {watch.deliveries[0] !== undefined &&
                          ` · last ${watch.deliveries[0].event} ${watch.deliveries[0].state} after ${watch.deliveries[0].attempts.length} attempt(s)`}
                      </div>
                    )}
                  </th>
                  <td data-testid="watch-schedule">{describeSchedule(watch.schedule)}</td>
                  <td>
                    {watch.nextRunAt === null ? <span className="muted">paused</span> : formatTime(watch.nextRunAt)}
                  </td>
                  <td data-testid="watch-last-run">
                    {last === undefined ? (
                      <span className="muted">never</span>
                    ) : (
                      <>
                        {formatTime(last.dueAt)} ({last.trigger})<div>{runOutcomeText(last)}</div>
                        {last.crawlId !== null && (
                          <div className="muted" data-testid="watch-last-crawl" data-crawl-id={last.crawlId}>
                            crawl {last.crawlId}
                          </div>
                        )}
                      </>
                    )}
                  </td>
                  <td className="watches__chart">
                    <WatchRunsChart runs={watch.runs} label={`Done and failed per run of ${watch.name}`} />
                  </td>
                  <td className="sources__actions">
                    <button
                      type="button"
                      className="button button--quiet"
                      data-testid="watch-run-now"
                      onClick={() => void act(() => api.invoke('watchAction', { id: watch.id, action: 'run' }))}
                    >
                      Run now
                    </button>
                    <ItemButtons
                      paused={watch.paused}
                      pauseTestId="watch-pause-resume"
                      removeQuestion={`Remove the watch ${watch.name}? Its crawls keep their results.`}
                      onEdit={() => setForm({ editing: watch })}
                      onPauseResume={() =>
                        void act(() =>
                          api.invoke('watchAction', { id: watch.id, action: watch.paused ? 'resume' : 'pause' })
                        )
                      }
                      onRemove={() => void act(() => api.invoke('watchRemove', { id: watch.id }))}
                    />
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** A time in the viewer's own zone, to the minute. */
function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
