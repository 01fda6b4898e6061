import { useMemo, useState } from 'react'
import type { ReactElement } from 'react'
import type { CrawlItemState } from '../../../shared/crawl'
import { ErrorNotice } from '../components/ErrorNotice'
import { chartMarkers } from '../queue/chart-data'
import type { PanelState } from '../state/use-panel-state'
import { CrawlActions } from './CrawlActions'
import { CrawlChanges } from './CrawlChanges'
import { CrawlCounts } from './CrawlCounts'
import { CrawlErrors } from './CrawlErrors'
import { CrawlHttpStats } from './CrawlHttpStats'
import { CrawlItemsTable } from './CrawlItemsTable'
import { CrawlHosts } from './CrawlHosts'
import { CrawlPace } from './CrawlPace'
import { CrawlProgressBar } from './CrawlProgressBar'
import { CrawlRateChart } from './CrawlRateChart'
import { ReplicaThroughput } from './ReplicaThroughput'
import { crawlStateLabel, crawlTitle } from './crawl-labels'
import { markersWithin, rateChartColumns } from './rate-chart-data'
import { useCrawlFollow } from './use-crawl-follow'
import { useScraperScale } from './use-scraper-scale'
import { EMPTY_FILTER } from '../logs/log-filter'
import { useOpenLogs } from '../logs/open-logs'

/** One crawl, live while the page is open: counts, pace and ETA beside the scraper stepper, chart, replicas, errors, HTTP by host, items. */
export function CrawlPage(props: {
  id: string
  state: PanelState
  onBack: () => void
  onDeleted: () => void
}): ReactElement {
  const { id, state, onBack, onDeleted } = props
  const follow = useCrawlFollow(id)
  const scraper = useScraperScale(state)
  const [filter, setFilter] = useState<CrawlItemState | null>(null)
  const [tab, setTab] = useState<'overview' | 'changes'>('overview')
  const openLogs = useOpenLogs()
  const { detail } = follow

  const columns = useMemo(
    () => rateChartColumns(detail?.timeline ?? [], detail?.createdAt ?? ''),
    [detail?.timeline, detail?.createdAt]
  )
  const markers = useMemo(
    () => markersWithin(chartMarkers(state.samples, scraper.service, []), columns),
    [state.samples, scraper.service, columns]
  )

  return (
    <section
      className="view crawl-page"
      aria-labelledby="crawl-heading"
      data-testid="crawl-page"
      data-crawl-id={id}
      data-state={detail?.state}
    >
      <header className="view__header">
        <div>
          <button type="button" className="button button--quiet" onClick={onBack} data-testid="crawl-back">
            ← All crawls
          </button>
          <h1 id="crawl-heading">
            {detail === null ? id : crawlTitle(detail)}{' '}
            {detail && (
              <span className={`crawl-state crawl-state--${detail.state}`} data-testid="crawl-state">
                {crawlStateLabel(detail)}
              </span>
            )}
          </h1>
          {detail && (
            <p className="muted crawl-page__meta">
              {detail.id} · {detail.source} · refresh {detail.refresh ? 'on' : 'off'} · at most {detail.maxAttempts}{' '}
              attempts · started {new Date(detail.createdAt).toLocaleString()}
              {detail.finishedAt !== null && ` · ended ${new Date(detail.finishedAt).toLocaleString()}`}
            </p>
          )}
        </div>
        {openLogs !== null && (
          <button
            type="button"
            className="button"
            data-testid="crawl-logs"
            onClick={() => openLogs({ ...EMPTY_FILTER, since: '', crawlId: id })}
          >
            Logs of this crawl
          </button>
        )}
        {detail && <CrawlActions crawl={detail} onSummary={follow.applySummary} onDeleted={onDeleted} />}
      </header>

      {follow.error && (
        <div className="crawl-page__problem">
          <ErrorNotice error={follow.error} />
          <button type="button" className="button" onClick={follow.retry}>
            Try again
          </button>
        </div>
      )}
      {follow.ended !== null && detail !== null && (detail.state === 'running' || detail.state === 'paused') && (
        <p className="muted" role="status">
          No longer live: {follow.ended}.{' '}
          <button type="button" className="button button--quiet" onClick={follow.retry}>
            Follow again
          </button>
        </p>
      )}
      {detail === null && follow.error === null && <p className="muted">Loading the crawl…</p>}
      {detail && (
        <div className="tabs" role="tablist" aria-label="Crawl">
          <button
            type="button"
            role="tab"
            className="tabs__tab"
            aria-selected={tab === 'overview'}
            onClick={() => setTab('overview')}
            data-testid="crawl-tab-overview"
          >
            Overview
          </button>
          <button
            type="button"
            role="tab"
            className="tabs__tab"
            aria-selected={tab === 'changes'}
            onClick={() => setTab('changes')}
            data-testid="crawl-tab-changes"
          >
            Changes
            {detail.changes !== undefined && detail.changes.new + detail.changes.changed + detail.changes.gone > 0 && (
              <span className="tabs__badge">
                {(detail.changes.new + detail.changes.changed + detail.changes.gone).toLocaleString()}
              </span>
            )}
          </button>
        </div>
      )}
      {detail && tab === 'changes' && <CrawlChanges crawlId={id} updatedAt={detail.updatedAt} />}
      {detail && tab === 'overview' && (
        <>
          <CrawlProgressBar counts={detail} large />
          <CrawlCounts crawl={detail} />
          <CrawlPace crawl={detail} scraper={scraper} />
          <CrawlHosts hosts={detail.hosts} />
          <CrawlRateChart
            columns={columns}
            markers={markers}
            label={`Ids of ${crawlTitle(detail)} finished per second over the last 10 minutes, with ${scraper.service} replica changes`}
          />
          <div className="crawl-page__columns">
            <ReplicaThroughput replicas={detail.replicas} />
            <CrawlErrors errors={detail.errors} onShowFailed={() => setFilter('failed')} />
          </div>
          <CrawlHttpStats stats={detail.http} />
          <CrawlItemsTable crawlId={id} updatedAt={detail.updatedAt} filter={filter} onFilter={setFilter} />
        </>
      )}
    </section>
  )
}
