import { useMemo, useState } from 'react'
import type { ReactElement } from 'react'
import type { QueueMetrics } from '../../../shared/contract'
import { ErrorNotice } from '../components/ErrorNotice'
import { scraperComposeService, scraperQueue } from '../state/scraper-service'
import type { PanelState } from '../state/use-panel-state'
import { QueueChart } from './QueueChart'
import { autoscaleMarkers, chartMarkers, queueChartColumns } from './chart-data'
import { scaleDecisions, useAutoscale } from '../autoscale/use-autoscale'

function rate(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(value < 10 ? 1 : 0)}/s`
}

/** The queue the scraper consumes when the broker has it, else the busiest. */
function defaultQueue(queues: QueueMetrics[], preferred: string | null): string | undefined {
  if (preferred !== null && queues.some((q) => q.queue === preferred)) return preferred
  return [...queues].sort((a, b) => b.consumers - a.consumers || b.ready - a.ready)[0]?.queue ?? preferred ?? undefined
}

export function QueueView({ state }: { state: PanelState }): ReactElement {
  const { metrics, samples } = state
  const scraperService = scraperComposeService(state.config)
  const [chosen, setChosen] = useState<string | null>(null)
  const queues = metrics?.queues ?? []
  const queueName = chosen ?? defaultQueue(queues, scraperQueue(state.config))
  const queue = queues.find((q) => q.queue === queueName)

  const columns = useMemo(
    () => queueChartColumns(samples, queueName ?? '', scraperService),
    [samples, queueName, scraperService]
  )
  const { decisions } = useAutoscale(scraperService)
  const markers = useMemo(
    () =>
      [
        ...chartMarkers(samples, scraperService, state.restarts),
        ...autoscaleMarkers(scaleDecisions(decisions), samples)
      ].sort((a, b) => a.x - b.x),
    [samples, scraperService, state.restarts, decisions]
  )

  return (
    <section className="view" aria-labelledby="queue-heading">
      <header className="view__header">
        <h1 id="queue-heading">Queue</h1>
        {queues.length > 1 && (
          <label className="field">
            <span>Queue</span>
            <select className="input" value={queueName ?? ''} onChange={(event) => setChosen(event.target.value)}>
              {queues.map((q) => (
                <option key={q.queue} value={q.queue}>
                  {q.queue}
                </option>
              ))}
            </select>
          </label>
        )}
      </header>

      {state.metricsError && <ErrorNotice error={state.metricsError} />}
      {metrics?.broker.management.state === 'unreachable' && (
        <ErrorNotice
          error={{
            kind: metrics.broker.amqp.state === 'unreachable' ? 'BrokerUnavailable' : 'ManagementUnavailable',
            message:
              metrics.broker.amqp.state === 'unreachable'
                ? metrics.broker.amqp.message
                : metrics.broker.management.message,
            hint:
              metrics.broker.amqp.state === 'unreachable'
                ? 'Start the stack (its rabbitmq service) to see the queue.'
                : 'Depth comes from AMQP meanwhile; rates are not available.'
          }}
        />
      )}

      {metrics?.findings.map((finding) => (
        <div
          key={`${finding.kind}:${finding.queue}`}
          className={`finding finding--${finding.severity}`}
          role="alert"
          data-testid="finding"
        >
          <strong>{finding.severity === 'error' ? 'Problem' : 'Warning'}:</strong> {finding.message}
        </div>
      ))}

      {metrics === null && state.metricsError === null && <p className="muted">Waiting for the first broker sample…</p>}
      {metrics && !queue && (
        <p className="muted">No RPC queue on the broker yet: start the stack and its scrapers declare theirs.</p>
      )}
      {queue && (
        <>
          <dl className="numbers" aria-label={`Live numbers of ${queue.queue}`}>
            <div>
              <dt>Ready</dt>
              <dd data-testid="queue-ready">{queue.ready}</dd>
            </div>
            <div>
              <dt>Unacked</dt>
              <dd data-testid="queue-unacked">{queue.unacked}</dd>
            </div>
            <div>
              <dt>Consumers</dt>
              <dd data-testid="queue-consumers">{queue.consumers}</dd>
            </div>
            <div>
              <dt>Published</dt>
              <dd>{rate(queue.publishRate)}</dd>
            </div>
            <div>
              <dt>Delivered</dt>
              <dd>{rate(queue.deliverRate)}</dd>
            </div>
            <div>
              <dt>Acked</dt>
              <dd>{rate(queue.ackRate)}</dd>
            </div>
          </dl>
          <p className="muted">
            {queue.queue} · consumed by {queue.service} · source: {queue.source}
            {metrics && ` · sampled ${new Date(metrics.at).toLocaleTimeString()}`}
          </p>
        </>
      )}
      {queueName !== undefined && (
        <QueueChart
          columns={columns}
          markers={markers}
          label={`Depth, consumers and ${scraperService} replicas of ${queueName} over the last minutes`}
        />
      )}
    </section>
  )
}
