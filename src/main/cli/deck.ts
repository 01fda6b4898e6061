/**
 * `npm run deck -- <command>`: the terminal's frame mover over one panel session. Results go
 * to stdout (as JSON with --json), progress and errors to stderr; a failure exits non-zero.
 * A command with --follow opens a stream (a log, a crawl, resource use) and runs until the
 * stream ends or Ctrl-C; `crawl export` streams the export itself to stdout.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { OperationResponse, PanelEvent, PanelError } from '../../shared/contract'
import type { CrawlDetail, ExportFormat } from '../../shared/crawl'
import { createPanel } from '../panel-composition'
import { MemoryApprovals } from '../stack/host-access-gate'
import { ensureStackCredentials, loadPanelConfig } from '../config/panel-config'
import { PanelSession } from '../session/panel-session'
import { toPanelError } from '../error-values'
import { needsAcceptance } from '../../shared/host-access'
import { crawlSucceeded } from '../../shared/crawl-progress'
import { CredentialsFileError } from '../stack/credentials-file'
import { maskDeep, secretMasker } from '../../shared/secret-mask'
import { parseCli, USAGE, UsageError, wantsHelp } from './cli-args'
import type { CliCommand } from './cli-args'
import { formatEvent, formatNotes, formatResult } from './cli-format'
import type { TerminalLine } from './cli-format'
import { withIdsFile } from './ids-file'
import { LiveStatsTable } from './live-stats-table'

async function main(argv: string[]): Promise<number> {
  let command: CliCommand
  // The driver's flags apply to every command: `deck --swarm up`, `deck --swarm --publish-public up`.
  const publishPublic = argv.includes('--publish-public')
  if (argv.includes('--swarm')) process.env['DECK_MODE'] = 'swarm'
  if (publishPublic) process.env['DECK_SWARM_PUBLISH'] = 'public'
  argv = argv.filter((a) => a !== '--swarm' && a !== '--publish-public')
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  try {
    command = await withIdsFile(parseCli(argv))
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`deck: ${err.message}\n${USAGE}\n`)
      return 2
    }
    throw err
  }
  // Each CLI run asks again: accepting host access is --allow-host-access on that command.
  let settings
  try {
    // A deck run is a panel start: every command reads compose.yaml, whose services name the
    // credentials file as their env_file, so it is written first if there is none yet.
    ensureStackCredentials()
    settings = loadPanelConfig()
  } catch (err) {
    if (!(err instanceof CredentialsFileError)) throw err
    const error = toPanelError(err)
    process.stderr.write(`deck: ${error.kind}: ${error.message}\nhint: ${error.hint}\n`)
    return 1
  }
  const panel = createPanel(settings, { approvals: new MemoryApprovals() })
  let streamsEnded = (): void => {}
  let lastCrawl: CrawlDetail | null = null
  // Set by the stats stream's first items (an object: TypeScript does not see a callback assign a let).
  const live: { stats: LiveStatsTable | null } = { stats: null }
  // `autoscale`: the events it waits for, counted as they are printed.
  let awaited = command.untilEvents?.count ?? null
  let eventsSeen = (): void => {}
  const columns = process.stderr.columns ?? 80
  const session = new PanelSession(panel.controller, (event: PanelEvent) => {
    if (event.event === 'streamData' && event.payload.kind === 'crawl')
      lastCrawl = event.payload.items.at(-1) ?? lastCrawl
    if (event.event === 'streamData' && event.payload.kind === 'stats') {
      const readings = event.payload.items
      // The first items are the recent readings the table starts from; then one row each.
      if (live.stats === null)
        live.stats = new LiveStatsTable(
          { write: (text) => process.stdout.write(text), tty: process.stdout.isTTY === true, json: command.json },
          readings
        )
      else for (const reading of readings) live.stats.push(reading)
    }
    const out = formatEvent(event, command.json, columns)
    if (out !== null) writeLine(out)
    if (event.event === command.untilEvents?.event && awaited !== null && --awaited <= 0) eventsSeen()
    if (session.openStreams().length === 0) streamsEnded()
  })
  // A live progress bar redraws over itself on a terminal; piped, every state is a line of its own.
  let overwriting = false
  const writeLine = (out: TerminalLine): void => {
    const stream = out.stream === 'stdout' ? process.stdout : process.stderr
    if (out.inPlace && stream.isTTY) {
      stream.write(`\r${out.text}`)
      overwriting = true
      return
    }
    if (overwriting) process.stderr.write('\n')
    overwriting = false
    stream.write(`${out.text}\n`)
  }
  const fail = (unmasked: PanelError): number => {
    const error = maskDeep(unmasked, panel.controller.mask)
    process.stderr.write(`deck: ${error.kind}: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`)
    return 1
  }
  try {
    // --publish-public is the yes to the ports it makes public, and to nothing else.
    if (publishPublic && command.operation === 'up' && command.allowHostAccess !== true) {
      const checked = await session.invoke('preflight', { services: command.request['services'] })
      if (!checked.ok) return fail(checked.error)
      const preflight = checked.value as OperationResponse<'preflight'>
      const asked = preflight.findings.filter(needsAcceptance)
      if (asked.length > 0 && asked.every((f) => f.kind === 'swarm-public-port')) {
        process.stderr.write(
          `deck: publishing on every interface (--publish-public):\n${formatResult('preflight', preflight)}\n`
        )
        command.request['allowHostAccess'] = preflight.fileHash
      }
    }
    if (command.allowHostAccess === true) {
      const checked = await session.invoke('preflight', { services: command.request['services'] })
      if (!checked.ok) return fail(checked.error)
      const preflight = checked.value as OperationResponse<'preflight'>
      if (preflight.findings.length > 0)
        process.stderr.write(`deck: starting anyway (--allow-host-access):\n${formatResult('preflight', preflight)}\n`)
      command.request['allowHostAccess'] = preflight.fileHash
    }
    // A stats stream tracks containers coming and going: that takes the status monitor.
    if (command.operation === 'streamOpen' && command.request['kind'] === 'stats')
      await panel.controller.start({ metrics: false })
    const result = await session.invoke(command.operation, command.request)
    if (!result.ok) return fail(result.error)
    if (command.streamsExport) {
      const { id, format } = command.request as { id: string; format: ExportFormat }
      try {
        const body = await panel.controller.openExport(id, format)
        await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), process.stdout)
      } catch (err) {
        return fail(toPanelError(err))
      }
      return 0
    }
    // A stream's answer is only its id: what it shows are its items.
    if (command.operation !== 'streamOpen')
      process.stdout.write(
        `${command.json ? JSON.stringify(result.value, null, 2) : formatResult(command.operation, result.value)}\n`
      )
    for (const note of formatNotes(command.operation, result.value)) process.stderr.write(`${note}\n`)
    if (command.operation === 'crawlStart') {
      const started = result.value as OperationResponse<'crawlStart'>
      if (command.follow) {
        const followed = await session.invoke('streamOpen', { kind: 'crawl', params: { id: started.crawl.id } })
        if (!followed.ok) return fail(followed.error)
      }
    }
    if (command.untilEvents !== undefined && (awaited === null || awaited > 0)) {
      await new Promise<void>((resolve) => {
        eventsSeen = resolve
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      })
    }
    if (session.openStreams().length > 0) {
      await new Promise<void>((resolve) => {
        streamsEnded = resolve
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      })
    }
    live.stats?.stop()
    if (overwriting) process.stderr.write('\n')
    if (command.follow && lastCrawl !== null) return crawlSucceeded(lastCrawl) ? 0 : 1
    return 0
  } finally {
    session.dispose()
    await panel.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`deck: ${secretMasker()((err as Error).stack ?? String(err))}\n`)
    process.exit(1)
  }
)
