import { useState } from 'react'
import type { ReactElement } from 'react'
import type { SourceDetail } from '../../../shared/source'
import { HostList } from './HostList'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { ItemButtons } from '../components/ItemButtons'
import { TableHead } from '../components/TableHead'
import { useRowActions } from '../components/use-row-actions'
import { SourceForm } from './SourceForm'
import { useSources } from './use-sources'
import { useLiveHosts } from './use-live-hosts'

/** The boards the fleet may scrape: each with its hosts as the politeness engine reports them; add, edit, pause, resume, remove. */
export function SourcesView({ active }: { active: boolean }): ReactElement {
  const api = usePanelApi()
  const { sources, error, refresh } = useSources(active)
  // The hosts' figures change by the second: they come live from the hosts stream, the sources from the poll.
  const liveHosts = useLiveHosts(active)
  const hostsOf = (source: SourceDetail): SourceDetail['hosts'] =>
    liveHosts === null ? source.hosts : liveHosts.filter((h) => h.source === source.name)
  const [form, setForm] = useState<{ editing: SourceDetail | null } | null>(null)
  const { act, actionError, dismiss } = useRowActions(refresh)

  return (
    <section className="view" aria-labelledby="sources-heading">
      <header className="view__header">
        <h1 id="sources-heading">Sources</h1>
        <button
          type="button"
          className="button button--primary"
          data-testid="source-add"
          onClick={() => setForm({ editing: null })}
        >
          Add a source
        </button>
      </header>
      {form !== null && (
        <SourceForm
          key={form.editing?.name ?? '(new)'}
          editing={form.editing}
          onDone={() => {
            setForm(null)
            refresh()
          }}
        />
      )}
      {error && <ErrorNotice error={error} />}
      {actionError && <ErrorNotice error={actionError} onDismiss={dismiss} />}
      {sources === null ? (
        <p className="muted">Asking the stack for its sources…</p>
      ) : (
        <table className="sources" data-testid="source-list">
          <TableHead columns={['Source', 'Listing URL', 'Politeness', 'Hosts', '']} />
          <tbody>
            {sources.map((source) => (
              <tr key={source.name} data-testid="source-row" data-source={source.name} data-paused={source.paused}>
                <th scope="row">
                  {source.name}
                  {source.paused && <span className="muted"> · paused</span>}
                </th>
                <td>{source.listingUrlTemplate ?? <span className="muted">sitemap only</span>}</td>
                <td>
                  {source.politeness.maxInFlight} in flight, {source.politeness.minGapMs} ms apart
                  {!source.politeness.respectRobots && <strong> · robots.txt ignored</strong>}
                </td>
                <td>
                  {hostsOf(source).length === 0 ? (
                    <span className="muted">none fetched yet</span>
                  ) : (
                    <HostList hosts={hostsOf(source)} />
                  )}
                </td>
                <td className="sources__actions">
                  <ItemButtons
                    paused={source.paused}
                    pauseTestId="source-pause-resume"
                    removeQuestion={`Remove the source ${source.name}? Crawls of it keep their results.`}
                    onEdit={() => setForm({ editing: source })}
                    onPauseResume={() =>
                      void act(() =>
                        api.invoke('sourceAction', { name: source.name, action: source.paused ? 'resume' : 'pause' })
                      )
                    }
                    onRemove={() => void act(() => api.invoke('sourceRemove', { name: source.name }))}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
