/** How sources read in a terminal (`deck source list|show|add|edit|pause|resume`). */
import type { HostListResponse, HostStatus, SourceDetail, SourceListResponse } from '../../shared/source'

export function formatSourceList(r: SourceListResponse): string {
  if (r.sources.length === 0) return 'no sources'
  return r.sources
    .map(
      (s) =>
        `${s.name.padEnd(20)} ${(s.paused ? 'paused' : 'active').padEnd(7)} ${s.listingUrlTemplate ?? `(sitemap only: ${s.sitemapUrls.join(', ')})`}${hostsSuffix(s.hosts)}`
    )
    .join('\n')
}

export function formatSourceDetail(s: SourceDetail): string {
  const p = s.politeness
  const lines = [
    `${s.name} (${s.paused ? 'paused' : 'active'})`,
    `  listing URL   ${s.listingUrlTemplate ?? 'none: only the URLs its sitemaps list'}`,
    `  sitemaps      ${s.sitemapUrls.length === 0 ? 'none' : s.sitemapUrls.join(', ')}`,
    `  politeness    at most ${p.maxInFlight} in flight, ${p.minGapMs} ms between starts per host; robots.txt ${p.respectRobots ? 'respected' : 'IGNORED'}` +
      `${p.autoThrottle ? ', auto-throttle' : ''}; a blocked host's items ${p.onBlocked === 'wait' ? 'wait' : 'fail'}`,
    `  updated       ${s.updatedAt}`
  ]
  if (s.hosts.length === 0) lines.push('  hosts         none fetched yet')
  for (const h of s.hosts) lines.push(`  ${formatHost(h)}`)
  return lines.join('\n')
}

export function formatHostList(r: HostListResponse): string {
  if (r.hosts.length === 0) return 'no hosts fetched from yet'
  return r.hosts.map((h) => `${h.source.padEnd(20)} ${formatHost(h)}`).join('\n')
}

/** "board:8080: 1/2 in flight, 0.75/0.89 req/s, gap 1000 ms, 120 left, robots unknown, ok" */
function formatHost(h: HostStatus): string {
  const state = h.blocked
    ? `BLOCKED (${h.lastAnswer ?? 'no answer'})`
    : h.backoffUntil !== null
      ? `backing off until ${h.backoffUntil} (${h.backoffReason ?? 'told to'})`
      : 'ok'
  const limits =
    h.maxInFlight === null
      ? `${h.inFlight} in flight (no limit), ${h.requestsPerSecond.toFixed(2)} req/s`
      : `${h.inFlight}/${h.maxInFlight} in flight, ${h.requestsPerSecond.toFixed(2)}/${h.allowedPerSecond === null ? 'any' : h.allowedPerSecond.toFixed(2)} req/s, gap ${h.effectiveGapMs} ms`
  return `${h.host}: ${limits}, ${h.remaining} left, robots ${h.robots.state}, ${state}`
}

function hostsSuffix(hosts: HostStatus[]): string {
  if (hosts.length === 0) return ''
  const blocked = hosts.filter((h) => h.blocked).length
  return `  [${hosts.length} host${hosts.length === 1 ? '' : 's'}${blocked > 0 ? `, ${blocked} blocked` : ''}]`
}
