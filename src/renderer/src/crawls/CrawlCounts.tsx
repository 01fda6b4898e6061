import type { ReactElement } from 'react'
import { CRAWL_ITEM_STATES } from '../../../shared/crawl'
import type { CrawlSummary } from '../../../shared/crawl'
import { percentFinished } from '../../../shared/crawl-progress'
import { ITEM_STATE_HINTS, ITEM_STATE_LABELS } from './crawl-labels'

/** Counts by item state (from the ledger, adding up to the total) and the percent finished. */
export function CrawlCounts({ crawl }: { crawl: CrawlSummary }): ReactElement {
  return (
    <dl className="numbers crawl-counts" aria-label="Ids by state">
      <div>
        <dt>Finished</dt>
        <dd data-testid="crawl-percent">{percentFinished(crawl)}%</dd>
      </div>
      <div>
        <dt>Total</dt>
        <dd data-testid="crawl-count-total">
          {crawl.total.toLocaleString()}
          {crawl.ingesting && (
            <span className="muted crawl-counts__growing" title="Still reading the source">
              +
            </span>
          )}
        </dd>
      </div>
      {CRAWL_ITEM_STATES.map((state) => (
        <div key={state} title={ITEM_STATE_HINTS[state]} className={`crawl-counts__${state}`}>
          <dt>{ITEM_STATE_LABELS[state]}</dt>
          <dd data-testid={`crawl-count-${state}`}>{crawl[state].toLocaleString()}</dd>
        </div>
      ))}
    </dl>
  )
}
