import { useState } from 'react'
import type { ReactElement } from 'react'
import type { PanelError } from '../../../shared/contract'
import { describeSavedSearchQuery } from '../../../shared/saved-search'
import type { Delivery, SavedSearch } from '../../../shared/saved-search'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { TableHead } from '../components/TableHead'
import { useRowActions } from '../components/use-row-actions'

/**
 * The saved searches kept in the stack: what each matches, its webhook, its last match, and
 * its deliveries (each with its state, attempts and last error) one click away; remove.
 */
export function SavedSearchList(props: {
  savedSearches: SavedSearch[] | null
  error: PanelError | null
  refresh: () => void
}): ReactElement {
  const api = usePanelApi()
  const { act, actionError, dismiss } = useRowActions(props.refresh)
  const [open, setOpen] = useState<string | null>(null)
  const { savedSearches } = props

  return (
    <section className="panel" aria-labelledby="saved-searches-heading" data-testid="saved-searches">
      <h2 id="saved-searches-heading">Saved searches</h2>
      {props.error && <ErrorNotice error={props.error} />}
      {actionError && <ErrorNotice error={actionError} onDismiss={dismiss} />}
      {savedSearches === null ? (
        <p className="muted">Asking the stack for its saved searches…</p>
      ) : savedSearches.length === 0 ? (
        <p className="muted">None yet: search, then save the search with a name.</p>
      ) : (
        <table className="compact-table">
          <TableHead columns={['Name', 'Matches', 'Webhook', 'Last match', 'Last delivery', '']} />
          <tbody>
            {savedSearches.map((s) => (
              <SavedSearchRow
                key={s.name}
                savedSearch={s}
                open={open === s.name}
                onToggle={() => setOpen(open === s.name ? null : s.name)}
                onRemove={() => {
                  if (window.confirm(`Remove the saved search ${s.name}? Its deliveries' records go with it.`))
                    void act(() => api.invoke('savedSearchRemove', { name: s.name }))
                }}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function SavedSearchRow(props: {
  savedSearch: SavedSearch
  open: boolean
  onToggle: () => void
  onRemove: () => void
}): ReactElement {
  const s = props.savedSearch
  const last = s.deliveries[0]
  return (
    <>
      <tr data-testid="saved-search-row" data-name={s.name}>
        <th scope="row">{s.name}</th>
        <td>{describeSavedSearchQuery(s.query)}</td>
        <td>{s.webhook ?? <span className="muted">none</span>}</td>
        <td>
          {s.lastMatch === null ? (
            <span className="muted">never</span>
          ) : (
            `${s.lastMatch.listings} listings, crawl ${s.lastMatch.crawlId}`
          )}
        </td>
        <td data-testid="saved-search-last-delivery">
          {last === undefined ? <span className="muted">none</span> : deliveryWords(last)}
        </td>
        <td className="sources__actions">
          <button
            type="button"
            className="button button--quiet"
            aria-expanded={props.open}
            data-testid="saved-search-deliveries-toggle"
            onClick={props.onToggle}
          >
            Deliveries ({s.deliveries.length})
          </button>
          <button
            type="button"
            className="button button--quiet"
            data-testid="saved-search-remove"
            onClick={props.onRemove}
          >
            Remove
          </button>
        </td>
      </tr>
      {props.open && (
        <tr>
          <td colSpan={6}>
            {s.deliveries.length === 0 ? (
              <p className="muted">No deliveries yet.</p>
            ) : (
              <ol className="deliveries" data-testid="saved-search-deliveries">
                {s.deliveries.map((d) => (
                  <li key={d.id} data-testid="delivery" data-state={d.state}>
                    {new Date(d.createdAt).toLocaleString()} · {deliveryWords(d)} · {d.listings} listings · crawl{' '}
                    {d.crawlId ?? '—'}
                    <ol>
                      {d.attempts.map((a, i) => (
                        <li key={i} data-testid="delivery-attempt">
                          {new Date(a.at).toLocaleTimeString()}: {a.status ?? 'no answer'}
                          {a.error !== null && ` (${a.error})`}, {a.ms} ms
                        </li>
                      ))}
                    </ol>
                  </li>
                ))}
              </ol>
            )}
          </td>
        </tr>
      )}
    </>
  )
}

/** "delivered after 3 attempts", "pending after 1 attempt: HTTP 500" */
function deliveryWords(d: Delivery): string {
  const n = d.attempts.length
  const lastError = d.attempts[n - 1]?.error ?? null
  return `${d.state} after ${n} attempt${n === 1 ? '' : 's'}${d.state !== 'delivered' && lastError !== null ? `: ${lastError}` : ''}`
}
