import type { ReactElement } from 'react'
import type { HostStatus } from '../../../shared/source'

/** A source's hosts: limits, requests in flight, req/s of the last minute against the allowed rate, robots, backoff. */
export function HostList({ hosts }: { hosts: HostStatus[] }): ReactElement {
  return (
    <ul className="sources__hosts">
      {hosts.map((h) => (
        <li key={h.host} data-testid="source-host">
          <strong>{h.host}</strong> {limitsText(h)} · {h.remaining} left · robots {h.robots.state}
          {h.robots.crawlDelayMs !== null && ` (crawl-delay ${h.robots.crawlDelayMs} ms)`}
          {h.robots.disallowedCount > 0 && ` · ${h.robots.disallowedCount} disallowed`}
          {h.blocked && <span className="crawls__failed"> · blocked: {h.lastAnswer ?? 'no answer'}</span>}
          {!h.blocked && h.backoffUntil !== null && (
            <span>
              {' '}
              · backing off until {new Date(h.backoffUntil).toLocaleTimeString()} ({h.backoffReason ?? 'told to'})
            </span>
          )}
        </li>
      ))}
    </ul>
  )
}

/** "1/2 in flight · 0.75 of 0.89 req/s (1000 ms apart)", or the load alone where nothing limits the host. */
function limitsText(h: HostStatus): string {
  const rate = h.requestsPerSecond.toFixed(2)
  if (h.maxInFlight === null) return `${h.inFlight} in flight · ${rate} req/s · no limit`
  const allowed = h.allowedPerSecond === null ? 'any' : h.allowedPerSecond.toFixed(2)
  return `${h.inFlight}/${h.maxInFlight} in flight · ${rate} of ${allowed} req/s (${h.effectiveGapMs} ms apart)`
}
