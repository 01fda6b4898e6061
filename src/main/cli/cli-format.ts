/** Human-readable output of the CLI (the --json output is the contract's value as is). */
import type {
  BrokerMetrics,
  ContainerStats,
  LogLine,
  OperationName,
  OperationReport,
  OperationResponse,
  PanelEvent,
  PreflightResult,
  ProgressEvent,
  RpcService,
  StackStatus,
  StreamData
} from '../../shared/contract'
import { formatFinding } from '../../shared/host-access'
import { formatChangeCounts, formatChangesPage } from './change-format'
import type {
  CrawlDetail,
  CrawlItemState,
  CrawlListResponse,
  CrawlStartResponse,
  CrawlSummary
} from '../../shared/crawl'
import { finishedCount, formatEta, formatRate, percentFinished, progressSegments } from '../../shared/crawl-progress'
import type { CrawlCounts } from '../../shared/crawl-progress'
import type { ListingSearchResult } from '../../shared/listing-search'
import type { LookupResult } from '../../shared/lookup'
import { formatBytes } from '../../shared/fleet-stats'
import type { LogRecord } from '../../shared/log-record'
import { formatLatencyPercentiles, formatStatusCounts } from '../../shared/http-stats-text'
import { decisionSummary, settingsSummary } from '../../shared/autoscale'
import type { AutoscaleDecision, AutoscaleState } from '../../shared/autoscale'
import { formatHostList, formatSourceDetail, formatSourceList } from './source-format'
import { formatWatch, formatWatchList } from './watch-format'
import { formatDeliveries, formatSavedSearch, formatSavedSearchList } from './saved-search-format'
import type { HostListResponse } from '../../shared/source'

type Formatters = { [K in OperationName]?: (value: OperationResponse<K>) => string }

/** How each operation's answer reads in a terminal; the rest print as JSON. */
const FORMATTERS: Formatters = {
  status: formatStatus,
  up: formatReport,
  down: formatReport,
  scale: formatReport,
  startService: formatReport,
  stopService: formatReport,
  restartService: formatReport,
  updateService: formatReport,
  logs: (v) => v.lines.map(formatLogLine).join('\n'),
  // Newest first from the store; shown oldest first, so the newest line is the last, as a tail.
  logSearch: (v) =>
    v.lines.length === 0
      ? 'no log lines match'
      : [...v.lines].reverse().map(formatLogRecord).join('\n') +
        (v.next === null
          ? ''
          : `\n(${v.lines.length} newest of ${v.total}${v.total >= 10_000 ? '+' : ''}; --limit or --since for more)`),
  stats: formatStats,
  metrics: formatMetrics,
  lookup: formatLookup,
  search: formatSearch,
  // `crawl start` prints only the id, so scripts can take it; formatCrawlStartNotes says the rest on stderr.
  crawlStart: (v) => v.crawl.id,
  crawlList: formatCrawlList,
  crawlGet: formatCrawlDetail,
  crawlAction: formatCrawlSummary,
  crawlDelete: (v) => (v.deleted ? 'deleted' : 'nothing to delete'),
  crawlChanges: formatChangesPage,
  preflight: formatPreflight,
  rpcServices: formatRpcServices,
  sourceList: formatSourceList,
  sourceGet: formatSourceDetail,
  sourceHosts: formatHostList,
  sourceAdd: formatSourceDetail,
  sourceEdit: formatSourceDetail,
  sourceAction: formatSourceDetail,
  sourceRemove: (v) => (v.deleted ? 'removed' : 'nothing to remove'),
  watchList: formatWatchList,
  watchGet: formatWatch,
  watchAdd: formatWatch,
  watchEdit: formatWatch,
  watchAction: formatWatch,
  watchRemove: (v) => (v.deleted ? 'removed' : 'nothing to remove'),
  savedSearchList: formatSavedSearchList,
  savedSearchGet: formatSavedSearch,
  savedSearchAdd: formatSavedSearch,
  savedSearchEdit: formatSavedSearch,
  savedSearchRemove: (v) => (v.deleted ? 'removed' : 'nothing to remove'),
  savedSearchDeliveries: formatDeliveries,
  autoscaleGet: formatAutoscaleState,
  autoscaleSet: formatAutoscaleState
}

/** One line per finding and its hint; the last line says whether it was accepted. */
function formatPreflight(p: PreflightResult): string {
  if (p.findings.length === 0) return 'nothing reaches outside the project'
  const lines = p.findings.flatMap((f) => [formatFinding(f), `  hint: ${f.hint}`])
  lines.push(
    `${p.findings.length} finding${p.findings.length === 1 ? '' : 's'}; file hash ${p.fileHash}; ${p.accepted ? 'accepted' : 'not accepted (deck up --allow-host-access to start it anyway)'}`
  )
  return lines.join('\n')
}

export function formatResult(operation: OperationName, value: unknown): string {
  const format = FORMATTERS[operation] as ((v: unknown) => string) | undefined
  return format === undefined ? JSON.stringify(value, null, 2) : format(value)
}

/** What stderr should add to an answer: what did not happen that a person would assume did. */
export function formatNotes(operation: OperationName, value: unknown): string[] {
  if (operation === 'crawlStart') return formatCrawlStartNotes(value as CrawlStartResponse)
  if (operation === 'lookup') {
    const cache = (value as LookupResult).cache
    // A one-shot run ends here, and the pending-writes queue with it: the listing is not stored.
    if (cache === 'write-pending')
      return [
        'note: Elasticsearch took no write, so this listing was not cached; look it up again once Elasticsearch is back.'
      ]
    if (cache === 'unavailable')
      return ['note: Elasticsearch could not be read; this listing came from the scraper and was not cached.']
  }
  return []
}

export interface TerminalLine {
  stream: 'stdout' | 'stderr'
  text: string
  /** On a terminal, write it over the previous line of its kind (`\r`, no newline): a live progress bar. */
  inPlace?: true
}

/**
 * A pushed event as a terminal line (log lines to stdout, progress to stderr), or null to skip
 * it. A followed crawl's progress is a bar `columns` wide, on stderr even with --json (whose
 * stdout is the one final object).
 */
export function formatEvent(event: PanelEvent, json: boolean, columns = 80): TerminalLine | null {
  switch (event.event) {
    case 'streamData':
      return formatStreamData(event.payload, json, columns)
    case 'progress': {
      const line = formatProgress(event.payload)
      return line === null ? null : { stream: 'stderr', text: line }
    }
    case 'autoscaleDecision':
      return { stream: 'stdout', text: json ? JSON.stringify(event.payload) : formatDecision(event.payload) }
    default:
      return null
  }
}

/**
 * A stream's items: log lines to stdout (one JSON object a line with --json), a crawl's
 * latest detail as its progress bar; stats readings are the live table's (live-stats-table.ts).
 */
function formatStreamData(data: StreamData, json: boolean, columns: number): TerminalLine | null {
  if (data.items.length === 0) return null
  switch (data.kind) {
    case 'logs':
      return {
        stream: 'stdout',
        text: data.items.map((line) => (json ? JSON.stringify(line) : formatLogLine(line))).join('\n')
      }
    case 'stackLogs':
      return {
        stream: 'stdout',
        text: data.items.map((line) => (json ? JSON.stringify(line) : formatLogRecord(line as LogRecord))).join('\n')
      }
    case 'crawl':
      return { stream: 'stderr', text: formatCrawlProgress(data.items.at(-1) as CrawlDetail, columns), inPlace: true }
    case 'stats':
      return null
    case 'hosts': {
      const latest = data.items.at(-1) as HostListResponse
      return { stream: 'stdout', text: json ? JSON.stringify(latest) : formatHostList(latest) }
    }
  }
}

function formatAutoscaleState(s: AutoscaleState): string {
  return [`autoscale ${s.service}: ${settingsSummary(s.settings)}`, ...s.decisions.map(formatDecision)].join('\n')
}

function formatDecision(d: AutoscaleDecision): string {
  return `${new Date(d.at).toISOString()} ${d.service} ${decisionSummary(d)}`
}

function formatStatus(s: StackStatus): string {
  const lines = [`project ${s.project} (${s.composeFile})`, `engine: ${s.engine.state} — ${s.engine.message}`]
  if (s.composeError !== null) lines.push(`compose file: ${s.composeError.message}`)
  for (const svc of s.services) {
    lines.push(
      `${svc.name.padEnd(16)} ${svc.state.padEnd(9)} ${svc.runningReplicas}/${svc.desiredReplicas} running${svc.hasHealthcheck ? `, ${svc.healthyReplicas} healthy` : ''}  ${svc.image}`
    )
    for (const c of svc.containers) {
      const ports = c.ports
        .filter((p) => p.hostPort !== null)
        .map((p) => `${p.hostIp ?? ''}:${p.hostPort}->${p.containerPort}/${p.protocol}`)
      lines.push(
        `  ${c.name.padEnd(28)} ${c.state.padEnd(8)} ${c.health === 'none' ? '' : c.health.padEnd(9)} ${c.uptimeMs === null ? `exit ${c.exitCode ?? '?'}` : `up ${duration(c.uptimeMs)}`}` +
          `${c.restarts > 0 ? `, ${c.restarts} restarts` : ''}${c.upToDate ? '' : ', config changed'}${ports.length > 0 ? `  ${ports.join(' ')}` : ''}` +
          (c.task === undefined
            ? ''
            : `  on ${c.task.node ?? '(unassigned)'}, task ${c.task.state}${c.task.desiredState === 'running' ? '' : ` → ${c.task.desiredState}`}${c.task.error === null ? '' : `: ${c.task.error}`}`)
      )
    }
  }
  for (const c of s.orphans) lines.push(`orphan ${c.name} (${c.service}, not in the compose file) ${c.state}`)
  return lines.join('\n')
}

function formatProgress(p: ProgressEvent): string | null {
  if (p.state === 'progress' && p.step !== 'build') return null
  return `${p.state === 'failed' ? '✗' : p.state === 'done' ? '✓' : '·'} ${p.message}`
}

function formatReport(r: OperationReport): string {
  return [...r.summary, `done in ${(r.tookMs / 1000).toFixed(1)} s`].join('\n')
}

/** `18:52:18.465 WARN  scraper/replica-2  listing not scraped  crawlId=… listingId=…` */
function formatLogRecord(line: LogRecord): string {
  const fields = Object.entries(line.fields)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')
  const who = `${line.service}/${line.replica}`
  return `${line.time} ${line.level.toUpperCase().padEnd(5)} ${who.padEnd(24)} ${line.msg}${fields === '' ? '' : `  ${fields}`}`
}

function formatLogLine(l: LogLine): string {
  return `${l.container} | ${l.line}`
}

/** A table like `docker stats`: one row per container, sorted by name. */
export function formatStats(stats: { containers: ContainerStats[] }): string {
  const rows = [...stats.containers].sort((a, b) => a.container.localeCompare(b.container))
  const width = Math.max(9, ...rows.map((c) => c.container.length)) + 2
  const header = `${'CONTAINER'.padEnd(width)}${'SERVICE'.padEnd(16)}${'CPU %'.padStart(7)}  MEM / LIMIT`
  const lines = rows.map(
    (c) =>
      `${c.container.padEnd(width)}${c.service.padEnd(16)}${c.cpuPercent.toFixed(1).padStart(7)}  ${formatBytes(c.memoryBytes)} / ${c.memoryLimitBytes > 0 ? formatBytes(c.memoryLimitBytes) : '-'}`
  )
  return [header, ...(lines.length === 0 ? ['(no running containers)'] : lines)].join('\n')
}

/** The latest of each container's readings. */
export function latestReadings(readings: ContainerStats[]): ContainerStats[] {
  return [...new Map(readings.map((r) => [r.container, r])).values()]
}

function formatMetrics(m: BrokerMetrics): string {
  const lines = [`source: ${m.source} (management ${m.broker.management.state}, amqp ${m.broker.amqp.state})`]
  for (const q of m.queues) {
    const rate = (r: number | null): string => (r === null ? '-' : r.toFixed(1))
    lines.push(
      `${q.queue}: ready ${q.ready}, unacked ${q.unacked}, consumers ${q.consumers}, publish ${rate(q.publishRate)}/s, deliver ${rate(q.deliverRate)}/s, ack ${rate(q.ackRate)}/s`
    )
  }
  for (const f of m.findings) lines.push(`${f.severity}: ${f.message}`)
  return lines.join('\n')
}

/** One row per Nameko service on the bus, under a header. */
function formatRpcServices({ services }: { services: RpcService[] }): string {
  if (services.length === 0) return 'no Nameko services on the bus (no rpc-* queues)'
  const width = Math.max(...services.map((s) => s.service.length), 'service'.length)
  const row = (cells: (string | number)[]): string =>
    `${String(cells[0]).padEnd(width)}  ${cells
      .slice(1)
      .map((c) => String(c).padStart(9))
      .join(' ')}`
  return [
    row(['service', 'consumers', 'ready', 'unacked']),
    ...services.map((s) => row([s.service, s.consumers, s.ready, s.unacked]))
  ].join('\n')
}

export function formatLookup(r: LookupResult): string {
  const l = r.listing
  return [
    `${l.title}${l.company ? ` — ${l.company}` : ''}${l.location ? ` (${l.location})` : ''}`,
    `${l.url}`,
    `from ${r.source}${r.ageMs === undefined ? '' : `, cached ${duration(r.ageMs)} ago`}, ${formatMs(r.tookMs)}`
  ].join('\n')
}

function formatSearch(r: ListingSearchResult): string {
  return [
    `${r.total} listings`,
    ...r.hits.map(
      (h) => `${h.listing.ID.padEnd(20)} ${h.listing.title}${h.listing.company ? ` — ${h.listing.company}` : ''}`
    )
  ].join('\n')
}

// ---- Crawls ----------------------------------------------------------------------------

/** One character per item state in the progress bar (done and skipped are both "finished well"). */
const BAR_CHARS: Record<CrawlItemState, string> = {
  done: '#',
  skipped: '+',
  failed: '!',
  cancelled: '~',
  scraping: '>',
  queued: '.'
}
const MIN_BAR = 10

/**
 * One line of at most `width` characters: `[####!!>>....]  54% 540/1000  12.3/s  ETA 37 s`.
 * The bar takes the room the text leaves (at least 10 cells).
 */
export function formatCrawlProgress(detail: CrawlSummary, width: number): string {
  const finished = finishedCount(detail)
  const eta = detail.state === 'running' ? `ETA ${formatEta(detail.etaSeconds)}` : detail.state
  const text = ` ${String(percentFinished(detail)).padStart(3)}% ${finished}/${detail.total}${detail.ingesting ? '+' : ''}  ${formatRate(detail.ratePerSecond)}  ${eta}`
  const cells = Math.max(MIN_BAR, width - text.length - 2)
  return `[${progressBar(detail, cells)}]${text}`
}

/** The bar's cells by state, sized by largest remainder so they fill exactly `cells`. */
export function progressBar(counts: CrawlCounts, cells: number): string {
  const segments = progressSegments(counts)
  if (segments.length === 0) return ' '.repeat(cells)
  const exact = segments.map((s) => s.fraction * cells)
  const sizes = exact.map(Math.floor)
  let left = cells - sizes.reduce((a, b) => a + b, 0)
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r)
  for (const { i } of byRemainder) {
    if (left <= 0) break
    sizes[i] = (sizes[i] ?? 0) + 1
    left--
  }
  return segments.map((s, i) => BAR_CHARS[s.state].repeat(sizes[i] ?? 0)).join('')
}

export function formatCrawlSummary(c: CrawlSummary): string {
  return [
    `crawl ${c.id}${c.name ? ` "${c.name}"` : ''}: ${c.state}${c.ingesting ? ' (still reading its source)' : ''}`,
    `source ${c.source}, refresh ${c.refresh ? 'yes' : 'no'}, max attempts ${c.maxAttempts}`,
    `total ${c.total}: queued ${c.queued}, scraping ${c.scraping}, done ${c.done}, failed ${c.failed}, skipped ${c.skipped}, cancelled ${c.cancelled} (${percentFinished(c)}% finished)`,
    `rate ${formatRate(c.ratePerSecond)} over the last 30 s, ETA ${formatEta(c.etaSeconds)}`,
    `created ${c.createdAt}${c.finishedAt === null ? '' : `, finished ${c.finishedAt}`}`
  ].join('\n')
}

/** `deck crawl status`: the summary, then throughput per replica and the errors by kind. */
export function formatCrawlDetail(d: CrawlDetail): string {
  const lines = [formatCrawlSummary(d)]
  if (d.changes !== undefined) lines.push(`changes: ${formatChangeCounts(d.changes)}`)
  if (d.replicas.length > 0) {
    lines.push('replicas:')
    for (const r of d.replicas)
      lines.push(
        `  ${r.replica.padEnd(28)} ${formatRate(r.ratePerSecond).padStart(8)}  done ${r.done}, failed ${r.failed}`
      )
  }
  if (d.hosts.length > 0) {
    lines.push('hosts:')
    for (const h of d.hosts) {
      const state = h.blocked
        ? 'BLOCKED'
        : h.backoffUntil !== null
          ? `backing off until ${h.backoffUntil} (${h.backoffReason ?? 'told to'})`
          : 'ok'
      const allowed = h.allowedPerSecond === null ? 'no limit' : `${formatRate(h.allowedPerSecond)} allowed`
      lines.push(
        `  ${h.host.padEnd(28)} done ${h.done}, waiting for politeness ${h.waiting}, fetching ${h.scraping}; ${allowed}; ${state}`
      )
    }
  }
  if (d.errors.length > 0) {
    lines.push('errors:')
    for (const e of d.errors)
      lines.push(`  ${e.kind} × ${e.count}: ${e.exampleMessage} (e.g. ${e.exampleIds.join(', ')})`)
  }
  if (d.http !== undefined && d.http.hosts.length > 0) {
    lines.push('http by host:')
    for (const h of d.http.hosts)
      lines.push(
        `  ${h.host}: ${formatStatusCounts(h.responses)}; ${formatBytes(h.bytes)}; latency p50/p95/p99 ${formatLatencyPercentiles(h.latencyMs)}; redirects ${h.redirects}, timeouts ${h.timeouts}, robots skipped ${h.robotsSkipped}`
      )
  }
  return lines.join('\n')
}

export function formatCrawlList(r: CrawlListResponse): string {
  if (r.crawls.length === 0) return 'no crawls'
  return r.crawls
    .map(
      (c) =>
        `${c.id.padEnd(24)} ${c.state.padEnd(9)} ${`${percentFinished(c)}%`.padStart(4)} ${`${c.done}/${c.total}`.padStart(13)} failed ${String(c.failed).padEnd(6)} ${formatRate(c.ratePerSecond).padStart(8)}  ${c.source}`
    )
    .join('\n')
}

/** What `crawl start` says on stderr besides the id: refused lines and duplicates. */
export function formatCrawlStartNotes(r: CrawlStartResponse): string[] {
  const notes = r.invalidLines.map((l) => `line ${l.line}: ${l.reason}: ${l.text}`)
  if (r.invalidCount > r.invalidLines.length)
    notes.push(`… and ${r.invalidCount - r.invalidLines.length} more invalid lines`)
  if (r.invalidCount > 0) notes.push(`${r.invalidCount} invalid line${r.invalidCount === 1 ? '' : 's'} left out`)
  if (r.duplicateCount > 0)
    notes.push(`${r.duplicateCount} duplicate id${r.duplicateCount === 1 ? '' : 's'} counted once`)
  return notes
}

/** A duration measured with performance.now(): whole milliseconds, or one decimal under 10 ms. */
export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
}
