import type { ReactElement } from 'react'
import type { CrawlDetail } from '../../../shared/crawl'

/**
 * A crawl's part per host, slowest first: done, waiting for the host's politeness (a fetch
 * slot), being fetched, and whether the host is backing off or blocked.
 */
export function CrawlHosts({ hosts }: { hosts: CrawlDetail['hosts'] }): ReactElement | null {
  if (hosts.length === 0) return null
  return (
    <section className="panel crawl-hosts" aria-labelledby="crawl-hosts-title">
      <h3 id="crawl-hosts-title">Hosts</h3>
      <table className="compact-table">
        <thead>
          <tr>
            <th>Host</th>
            <th>Done</th>
            <th>Waiting for politeness</th>
            <th>Fetching</th>
            <th>Allowed</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((h) => (
            <tr key={h.host} data-testid="crawl-host">
              <td>
                {h.host} <span className="muted">({h.source})</span>
              </td>
              <td>{h.done}</td>
              <td>{h.waiting}</td>
              <td>{h.scraping}</td>
              <td>{h.allowedPerSecond === null ? 'no limit' : `${h.allowedPerSecond.toFixed(2)}/s`}</td>
              <td data-testid="crawl-host-state">
                {h.blocked
                  ? 'blocked'
                  : h.backoffUntil !== null
                    ? `backing off until ${new Date(h.backoffUntil).toLocaleTimeString()} (${h.backoffReason ?? 'told to'})`
                    : 'ok'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
