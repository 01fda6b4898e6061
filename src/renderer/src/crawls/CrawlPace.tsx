import type { ReactElement } from 'react'
import type { CrawlDetail } from '../../../shared/crawl'
import { etaAtReplicas, formatEta, formatRate, perReplicaRate, replicaAdvice } from '../../../shared/crawl-progress'
import { scalingAdviceText } from '../../../shared/politeness-eta'
import { ErrorNotice } from '../components/ErrorNotice'
import { ReplicaStepper } from '../stack/ReplicaStepper'
import type { ScraperScale } from './use-scraper-scale'

/**
 * Rate over the last 30 s and ETA, and beside the scraper's replica stepper the ETA that
 * many replicas would reach at the measured per-replica rate, no sooner than each host's
 * allowed rate lets it: the number to watch while clicking +, and where + stops helping.
 */
export function CrawlPace({ crawl, scraper }: { crawl: CrawlDetail; scraper: ScraperScale }): ReactElement {
  const perReplica = perReplicaRate(crawl)
  const live = crawl.state === 'running' || crawl.state === 'paused'
  const planned = scraper.desired
  const etaPlanned = planned === null ? null : etaAtReplicas(crawl, planned)
  const etaOneMore = planned === null ? null : etaAtReplicas(crawl, planned + 1)
  const advice = live ? replicaAdvice(crawl, (planned ?? 1) + 1) : null
  const limitText = advice === null ? null : scalingAdviceText(advice)
  return (
    <div className="panel crawl-pace">
      <dl className="numbers crawl-pace__numbers">
        <div>
          <dt>Rate (last 30 s)</dt>
          <dd data-testid="crawl-rate">{formatRate(crawl.ratePerSecond)}</dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd data-testid="crawl-eta">{live ? formatEta(crawl.etaSeconds) : '—'}</dd>
        </div>
        <div>
          <dt>Per replica</dt>
          <dd data-testid="crawl-rate-per-replica">{perReplica === null ? '—' : formatRate(perReplica)}</dd>
        </div>
      </dl>
      <div className="crawl-pace__scale" aria-labelledby="crawl-scale-label">
        <p id="crawl-scale-label" className="crawl-pace__label">
          {scraper.service} replicas
          {scraper.running !== null && <span className="muted"> ({scraper.running} running)</span>}
        </p>
        {planned === null ? (
          <p className="muted">The stack’s status is not known yet.</p>
        ) : (
          <div className="crawl-pace__stepper">
            <ReplicaStepper service={scraper.service} desired={planned} busy={scraper.busy} onScale={scraper.scale} />
            <p className="crawl-pace__eta-at">
              ETA at {planned}: <strong data-testid="crawl-eta-at-n">{live ? formatEta(etaPlanned) : '—'}</strong>
              {live && etaOneMore !== null && (
                <span className="muted">
                  {' '}
                  · at {planned + 1}: {formatEta(etaOneMore)}
                </span>
              )}
            </p>
          </div>
        )}
        {limitText !== null && (
          <p className="crawl-pace__limit" data-testid="crawl-replica-limit">
            {limitText.charAt(0).toUpperCase() + limitText.slice(1)}.
          </p>
        )}
        <p className="muted crawl-pace__note">
          {perReplica === null
            ? 'No replica finished an id in the last 30 s: nothing measured yet.'
            : `Each replica measured at ${formatRate(perReplica)}; more replicas help until the board or the broker is the limit.`}
        </p>
        {scraper.error && <ErrorNotice error={scraper.error} onDismiss={scraper.dismissError} />}
      </div>
    </div>
  )
}
