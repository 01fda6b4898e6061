import type { ReactElement } from 'react'
import { CRAWL_ITEM_STATES } from '../../../shared/crawl'
import type { CrawlItemState } from '../../../shared/crawl'
import { ErrorNotice } from '../components/ErrorNotice'
import { ITEM_STATE_LABELS } from './crawl-labels'
import { ITEMS_PAGE_SIZE, useCrawlItems } from './use-crawl-items'
import { TableHead } from '../components/TableHead'
import { EMPTY_FILTER } from '../logs/log-filter'
import { useOpenLogs } from '../logs/open-logs'

/** The crawl's items one page at a time (never all of them), filtered by state. */
export function CrawlItemsTable(props: {
  crawlId: string
  /** The crawl's updatedAt: the first page is asked again as it changes. */
  updatedAt: string
  filter: CrawlItemState | null
  onFilter: (state: CrawlItemState | null) => void
}): ReactElement {
  const { crawlId, updatedAt, filter, onFilter } = props
  const view = useCrawlItems(crawlId, filter, updatedAt)
  const openLogs = useOpenLogs()
  return (
    <section className="panel" aria-labelledby="crawl-items-heading">
      <div className="view__header">
        <h2 id="crawl-items-heading">Items</h2>
        <div className="toolbar">
          <label className="field">
            <span>State</span>
            <select
              className="input"
              value={filter ?? ''}
              data-testid="crawl-items-filter"
              onChange={(event) => onFilter(event.target.value === '' ? null : (event.target.value as CrawlItemState))}
            >
              <option value="">All</option>
              {CRAWL_ITEM_STATES.map((s) => (
                <option key={s} value={s}>
                  {ITEM_STATE_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button" onClick={view.reload} disabled={view.loading}>
            Refresh
          </button>
        </div>
      </div>
      {view.error && <ErrorNotice error={view.error} />}
      {view.items !== null && view.items.length === 0 && (
        <p className="muted">No items{filter === null ? '' : ` in state ${ITEM_STATE_LABELS[filter]}`}.</p>
      )}
      {view.items !== null && view.items.length > 0 && (
        <table className="compact-table crawl-items" data-testid="crawl-items" aria-busy={view.loading}>
          <TableHead columns={['Listing', 'State', 'Attempts', 'Error', 'Replica', 'Took', 'Updated', 'Logs']} />
          <tbody>
            {view.items.map((item) => (
              <tr key={item.listingId} data-testid="crawl-item" data-state={item.state}>
                <th scope="row">
                  <code>{item.listingId}</code>
                </th>
                <td>{ITEM_STATE_LABELS[item.state]}</td>
                <td>{item.attempts}</td>
                <td>
                  {item.errorKind !== null && <strong>{item.errorKind}</strong>}
                  {item.errorMessage !== null && <span className="muted"> {item.errorMessage}</span>}
                </td>
                <td>{item.replica ?? '—'}</td>
                <td>{item.tookMs === null ? '—' : `${item.tookMs} ms`}</td>
                <td>{new Date(item.updatedAt).toLocaleTimeString()}</td>
                <td>
                  {openLogs !== null && (
                    <button
                      type="button"
                      className="button button--quiet"
                      data-testid="item-logs"
                      aria-label={`Logs of item ${item.listingId}`}
                      onClick={() => openLogs({ ...EMPTY_FILTER, since: '', listingId: item.listingId, crawlId })}
                    >
                      Logs
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        <button
          type="button"
          className="button"
          disabled={view.page <= 1 || view.loading}
          onClick={view.previous}
          data-testid="crawl-items-previous"
        >
          Previous
        </button>
        <span className="muted" data-testid="crawl-items-page">
          Page {view.page} · {ITEMS_PAGE_SIZE} a page
        </span>
        <button
          type="button"
          className="button"
          disabled={!view.hasNext || view.loading}
          onClick={view.next}
          data-testid="crawl-items-next"
        >
          Next
        </button>
      </div>
    </section>
  )
}
