import { useState } from 'react'
import type { ReactElement } from 'react'
import type { LookupResult, PanelError } from '../../../shared/contract'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { ListingCard } from './ListingCard'
import { ListingSearch } from './ListingSearch'
import { LookupForm } from './LookupForm'
import { formatTook } from './format-listing'
import { useSources } from '../sources/use-sources'
import { DEFAULT_SOURCE_NAME } from '../../../shared/source'
import { SavedSearchList } from '../saved-searches/SavedSearchList'
import { useSavedSearches } from '../saved-searches/use-saved-searches'

interface HistoryEntry {
  n: number
  id: string
  source: string
  at: Date
  outcome: { source: LookupResult['source']; tookMs: number } | { error: PanelError['kind'] }
}

const HISTORY_SIZE = 20

export function LookupView({ active }: { active: boolean }): ReactElement {
  const api = usePanelApi()
  const { sources } = useSources(active)
  const saved = useSavedSearches(active)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<LookupResult | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  const [history, setHistory] = useState<HistoryEntry[]>([])

  async function lookup(id: string, { refresh, source }: { refresh: boolean; source: string }): Promise<void> {
    setBusy(true)
    setError(null)
    const answer = await api.invoke(
      'lookup',
      source === DEFAULT_SOURCE_NAME ? { id, refresh } : { id, refresh, source }
    )
    setBusy(false)
    const outcome = answer.ok
      ? { source: answer.value.source, tookMs: answer.value.tookMs }
      : { error: answer.error.kind }
    setHistory((h) => [{ n: (h[0]?.n ?? 0) + 1, id, source, at: new Date(), outcome }, ...h].slice(0, HISTORY_SIZE))
    if (answer.ok) setResult(answer.value)
    else {
      setResult(null)
      setError(answer.error)
    }
  }

  return (
    <section className="view" aria-labelledby="lookup-heading">
      <header className="view__header">
        <h1 id="lookup-heading">Lookup</h1>
      </header>
      <div className="lookup-layout">
        <div className="lookup-main">
          <LookupForm busy={busy} sources={sources} onLookup={(id, options) => void lookup(id, options)} />
          {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
          {result && <ListingCard result={result} />}
          <ListingSearch onOpen={(id, source) => void lookup(id, { refresh: false, source })} onSaved={saved.refresh} />
          <SavedSearchList savedSearches={saved.savedSearches} error={saved.error} refresh={saved.refresh} />
        </div>
        <aside className="panel lookup-history" aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          {history.length === 0 && <p className="muted">Lookups you make appear here.</p>}
          <ol className="history" data-testid="lookup-history">
            {history.map((entry) => (
              <li key={entry.n}>
                <button
                  type="button"
                  className="button button--quiet"
                  disabled={busy}
                  onClick={() => void lookup(entry.id, { refresh: false, source: entry.source })}
                >
                  {entry.source === DEFAULT_SOURCE_NAME ? entry.id : `${entry.source}: ${entry.id}`}
                </button>{' '}
                <span className="muted">
                  {'error' in entry.outcome
                    ? entry.outcome.error
                    : `${entry.outcome.source === 'cache' ? 'cache' : 'scrape'}, ${formatTook(entry.outcome.tookMs)}`}{' '}
                  · {entry.at.toLocaleTimeString()}
                </span>
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </section>
  )
}
