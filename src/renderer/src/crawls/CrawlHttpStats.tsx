import type { ReactElement } from 'react'
import type { CrawlHttpStats as CrawlHttpStatsData } from '../../../shared/crawl-http-stats'
import { formatBytes } from '../../../shared/fleet-stats'
import { formatLatencyPercentiles, formatStatusCounts } from '../../../shared/http-stats-text'

/** Per source host: what the crawl's fetches got (status codes, bytes, latency) and what they skipped. */
export function CrawlHttpStats({ stats }: { stats: CrawlHttpStatsData | undefined }): ReactElement {
  return (
    <section className="panel" aria-labelledby="crawl-http-heading" data-testid="crawl-http-stats">
      <h2 id="crawl-http-heading">HTTP by host</h2>
      {stats === undefined || stats.hosts.length === 0 ? (
        <p className="muted">No fetches yet.</p>
      ) : (
        <table className="compact-table">
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">Responses</th>
              <th scope="col">Received</th>
              <th scope="col" title="Fetch time from the first request to the last byte">
                p50 / p95 / p99
              </th>
              <th scope="col">Redirects</th>
              <th scope="col">Timeouts</th>
              <th scope="col" title="Skipped because the host's robots.txt disallows them">
                Robots skipped
              </th>
            </tr>
          </thead>
          <tbody>
            {stats.hosts.map((h) => (
              <tr key={h.host} data-testid="crawl-http-host" data-host={h.host}>
                <td>
                  <code>{h.host}</code>
                </td>
                <td data-testid="crawl-http-responses">{formatStatusCounts(h.responses)}</td>
                <td>{formatBytes(h.bytes)}</td>
                <td>{formatLatencyPercentiles(h.latencyMs)}</td>
                <td>{h.redirects.toLocaleString()}</td>
                <td>{h.timeouts.toLocaleString()}</td>
                <td>{h.robotsSkipped.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {stats?.checkpointedAt != null && (
        <p className="muted">Stored at {new Date(stats.checkpointedAt).toLocaleTimeString()}; newer counts are live.</p>
      )}
    </section>
  )
}
