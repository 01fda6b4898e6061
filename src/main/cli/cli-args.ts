/** `deck <command> [args] [--flags]` → one contract operation and its request. */
import type { OperationName } from '../../shared/contract'
import { CRAWL_ACTIONS, CrawlIdSchema, EXPORT_FORMATS } from '../../shared/crawl'
import { CHANGE_KINDS } from '../../shared/crawl-changes'
import type { ChangeKind } from '../../shared/crawl-changes'
import type { CrawlAction, ExportFormat } from '../../shared/crawl'
import { parseRpcArgs, parseRpcKwargs } from '../../shared/rpc-console'
import type { AutoscaleSettingsPatch } from '../../shared/autoscale'
import { LOG_VALUE_OPTIONS, stackLogsCommand } from './log-args'
import { SOURCE_LIST_OPTIONS, SOURCE_USAGE, SOURCE_VALUE_OPTIONS, SourceUsageError, sourceCommand } from './source-args'
import {
  SAVED_SEARCH_LIST_OPTIONS,
  SAVED_SEARCH_USAGE,
  SAVED_SEARCH_VALUE_OPTIONS,
  SavedSearchUsageError,
  isSavedSearchCommand,
  savedSearchCommand
} from './saved-search-args'
import { WATCH_USAGE, WATCH_VALUE_OPTIONS, WatchUsageError, watchCommand } from './watch-args'

export interface CliCommand {
  operation: OperationName
  request: Record<string, unknown>
  json: boolean
  /** `crawl start --ids-file`: the file whose text goes into request.source.text (see ids-file.ts) before the call. */
  idsFile?: string
  /** `--follow`: open a stream (the command's own, or the crawl's for `crawl start`) and show it until it ends or Ctrl-C. */
  follow?: boolean
  /** `up --allow-host-access`: run the pre-flight first and pass its file hash (the findings go to stderr). */
  allowHostAccess?: boolean
  /** `crawl export`: not printed as a value; the shell streams the export itself to stdout. */
  streamsExport?: true
  /** `autoscale`: stay and print these events, `count` of them or (null) until Ctrl-C. */
  untilEvents?: { event: 'autoscaleDecision'; count: number | null }
}

export class UsageError extends Error {
  override name = 'UsageError'
}

export const USAGE = `deck: the panel's commands in a terminal (results on stdout, progress and errors on stderr)

usage: npm run deck -- [--swarm [--publish-public]] <command> [--json]
  --help                     this text
  --swarm                    drive the stack on the swarm DOCKER_HOST manages (or DECK_MODE=swarm)
  --publish-public           on a swarm, publish 127.0.0.1 ports on every interface of their node
                             (default: the manager's loopback relay keeps them on 127.0.0.1)
  up [service…] [--allow-host-access]
                             create and start the stack (progress on stderr); a file that
                             reaches the host (see preflight) runs only with --allow-host-access
  preflight [service…]       what the compose file can do to the host, with file:line
  down [--volumes]           stop and remove it (volumes only with --volumes)
  status                     services, replicas, health, containers
  config                     the panel's endpoints (passwords masked) and the stack's
                             credentials file, which it writes if there is none yet
  scale <service> <n>        run n replicas of a service
  start|stop|restart <service>
  update <service>           on a swarm: roll the service to its image as it is now (rebuilt if it
                             has build:), honouring deploy.update_config
  logs [service] [--crawl ID] [--listing ID] [--level warn] [--since 1h] [--until TIME] [--grep TEXT]
       [--replica NAME] [--field NAME=VALUE…] [--limit N] [--follow]
                             the stack's log, every replica merged (kept beyond the containers);
                             --since/--until: an ISO time or 15m, 1h, 2d back; --grep: words, all of them
  logs <service> --tail N [--container NAME] [--follow]
                             a service's containers' own output, from the engine
  stats [service] [--follow] CPU and memory per container (--follow: live, one reading a second)
  metrics                    RabbitMQ queues and cross-layer findings
  lookup <id> [--refresh] [--source NAME]
                             a listing of the default source (or NAME): cache first, else scrape
  search <words…>            full-text search over cached listings
  rpc <service> <method> [JSON args array] [JSON kwargs object]
                             one Nameko RPC call; the result as JSON
  rpc-services               the Nameko services on the bus: queue, consumers, ready, unacked
  crawl start --board | --source NAME… | --sitemap URL | --ids-file FILE [--refresh] [--max-attempts N] [--follow]
                             start a crawl, print its id (--follow: a progress bar until it ends;
                             exit 0 only if it ended with no failed items); --source A --source B
                             crawls those sources' sitemaps as one crawl; with --sitemap or
                             --ids-file, one --source says whose ids they are (default: jobboard)
  crawl status <id>          counts by state, rate, ETA, replicas and errors
  crawl list                 the crawls, newest first
  crawl cancel|pause|resume|retry|delete <id>
  crawl export <id> --format jsonl|csv|summary|changes-jsonl|changes-csv
                             its results (its summary, or its changes only), to stdout
  crawl changes <id> [--kind new|changed|unchanged|gone|failed]
                             what its listings did since the last crawl: new, changed (field by
                             field, old → new), gone, failed; one kind with --kind
${SOURCE_USAGE}
${WATCH_USAGE}
${SAVED_SEARCH_USAGE}
  autoscale <service> [--min N] [--max N] [--target N] [--activation N] [--window S] [--interval S] [--follow]
                             turn autoscaling from the queue's backlog on in this process and print
                             its decision (--follow: every decision until Ctrl-C; without it, one step)`

/** `deck`, `deck help`, `deck --help`, `deck -h`: the usage text, not an error. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.length === 0 || argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')
}

/** `autoscale`'s options and the setting each sets (whole numbers; the contract checks the bounds). */
const AUTOSCALE_OPTIONS = {
  '--min': 'min',
  '--max': 'max',
  '--target': 'target',
  '--activation': 'activationBacklog',
  '--window': 'stabilizationSeconds',
  '--interval': 'intervalSeconds'
} as const satisfies Record<string, keyof AutoscaleSettingsPatch>

/** Options that take the next word as their value. */
const VALUE_OPTIONS = new Set([
  ...LOG_VALUE_OPTIONS,
  '--tail',
  '--container',
  '--sitemap',
  '--ids-file',
  '--max-attempts',
  '--format',
  '--kind',
  ...SOURCE_VALUE_OPTIONS,
  ...WATCH_VALUE_OPTIONS,
  ...SAVED_SEARCH_VALUE_OPTIONS,
  ...Object.keys(AUTOSCALE_OPTIONS)
])
/** Options that take a value and may be given more than once. */
const LIST_OPTIONS = new Set<string>(['--source', '--field', ...SOURCE_LIST_OPTIONS, ...SAVED_SEARCH_LIST_OPTIONS])

export function parseCli(argv: string[]): CliCommand {
  const flags = new Set<string>()
  const values = new Map<string, string>()
  const lists = new Map<string, string[]>()
  const words: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (LIST_OPTIONS.has(arg)) {
      const value = argv[++i]
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`)
      lists.set(arg, [...(lists.get(arg) ?? []), value])
    } else if (VALUE_OPTIONS.has(arg)) {
      const value = argv[++i]
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`)
      values.set(arg, value)
    } else if (arg.startsWith('--')) flags.add(arg)
    else words.push(arg)
  }
  const json = flags.delete('--json')
  const [command, ...rest] = words
  const need = (n: number, what: string): void => {
    if (rest.length !== n) throw new UsageError(`${command} takes ${what}`)
  }
  const allow = (...allowed: string[]): void => refuseOthers(command ?? '', { flags, values, lists, json }, allowed)
  const command_ = (operation: OperationName, request: Record<string, unknown>): CliCommand => ({
    operation,
    request,
    json
  })
  switch (command) {
    case 'up':
      allow('--allow-host-access')
      return {
        ...command_('up', rest.length > 0 ? { services: rest } : {}),
        ...(flags.has('--allow-host-access') ? { allowHostAccess: true } : {})
      }
    case 'preflight':
      allow()
      return command_('preflight', rest.length > 0 ? { services: rest } : {})
    case 'down':
      allow('--volumes')
      need(0, 'no arguments')
      return command_('down', { removeVolumes: flags.has('--volumes') })
    case 'status':
    case 'config':
      allow()
      need(0, 'no arguments')
      return command_(command, {})
    case 'scale': {
      allow()
      need(2, '<service> <n>')
      const n = Number(rest[1])
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`scale: "${rest[1]}" is not a whole number of replicas`)
      return command_('scale', { service: rest[0], replicas: n })
    }
    case 'start':
    case 'stop':
    case 'restart':
    case 'update':
      allow()
      need(1, '<service>')
      return command_(`${command}Service`, { service: rest[0] })
    case 'logs': {
      // --tail / --container: a container's own output from the engine; otherwise the stack's log store.
      if (!values.has('--tail') && !values.has('--container'))
        return stackLogsCommand(
          rest,
          { flags, values, lists },
          json,
          (...allowed) => allow(...allowed),
          (message) => {
            throw new UsageError(message)
          }
        )
      allow('--follow', '--tail', '--container')
      need(1, '<service>')
      const tail = values.get('--tail')
      if (tail !== undefined && !/^\d+$/.test(tail)) throw new UsageError(`--tail "${tail}" is not a number`)
      const request = {
        service: rest[0],
        ...(tail === undefined ? {} : { tail: Number(tail) }),
        ...(values.has('--container') ? { container: values.get('--container') } : {})
      }
      return flags.has('--follow')
        ? { ...command_('streamOpen', { kind: 'logs', params: request }), follow: true }
        : command_('logs', request)
    }
    case 'stats': {
      allow('--follow')
      const request = rest[0] === undefined ? {} : { service: rest[0] }
      return flags.has('--follow')
        ? { ...command_('streamOpen', { kind: 'stats', params: request }), follow: true }
        : command_('stats', request)
    }
    case 'metrics':
      allow()
      return command_('metrics', {})
    case 'lookup': {
      allow('--refresh', '--source')
      need(1, '<listing id>')
      const sources = lists.get('--source') ?? []
      if (sources.length > 1) throw new UsageError('lookup takes one --source')
      return command_('lookup', {
        id: rest[0],
        refresh: flags.has('--refresh'),
        ...(sources[0] === undefined ? {} : { source: sources[0] })
      })
    }
    case 'search':
      if (isSavedSearchCommand(rest))
        try {
          return { ...savedSearchCommand(rest, { flags, values, lists }), json }
        } catch (err) {
          if (err instanceof SavedSearchUsageError) throw new UsageError(err.message)
          throw err
        }
      allow()
      if (rest.length === 0) throw new UsageError('search takes <words…>')
      return command_('search', { query: rest.join(' ') })
    case 'rpc': {
      allow()
      if (rest.length < 2 || rest.length > 4)
        throw new UsageError('rpc takes <service> <method> [JSON args array] [JSON kwargs object]')
      const args = parseRpcArgs(rest[2] ?? '')
      if (!args.ok) throw new UsageError(`rpc: ${args.problem}`)
      const kwargs = parseRpcKwargs(rest[3] ?? '')
      if (!kwargs.ok) throw new UsageError(`rpc: ${kwargs.problem}`)
      return command_('rpcCall', {
        service: rest[0],
        method: rest[1],
        args: args.value,
        ...(rest[3] === undefined ? {} : { kwargs: kwargs.value })
      })
    }
    case 'rpc-services':
      allow()
      need(0, 'no arguments')
      return command_('rpcServices', {})
    case 'crawl':
      return crawlCommand(rest, { flags, values, lists, json })
    case 'source':
      try {
        return { ...sourceCommand(rest, { flags, values, lists }), json }
      } catch (err) {
        if (err instanceof SourceUsageError) throw new UsageError(err.message)
        throw err
      }
    case 'watch':
      try {
        return { ...watchCommand(rest, { flags, values, lists }), json }
      } catch (err) {
        if (err instanceof WatchUsageError) throw new UsageError(err.message)
        throw err
      }
    case 'autoscale':
      return autoscaleCommand(rest, { flags, values, lists, json })
    case undefined:
      throw new UsageError('no command')
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

const CRAWL_SUBCOMMANDS = ['start', 'status', 'list', ...CRAWL_ACTIONS, 'delete', 'export', 'changes'] as const

/** The options parseCli collected (--json already taken out). */
interface Options {
  flags: Set<string>
  values: Map<string, string>
  /** Every value of the options that may be repeated (--source). */
  lists: Map<string, string[]>
  json: boolean
}

function refuseOthers(command: string, options: Options, allowed: string[]): void {
  for (const f of [...options.flags, ...options.values.keys(), ...options.lists.keys()]) {
    if (!allowed.includes(f)) throw new UsageError(`${command} does not take ${f}`)
  }
}

/** `deck crawl <subcommand> …`: the words after "crawl". */
function crawlCommand(words: string[], options: Options): CliCommand {
  const [sub, ...rest] = words
  const name = `crawl ${sub ?? ''}`.trim()
  const { json } = options
  const allow = (...allowed: string[]): void => refuseOthers(name, options, allowed)
  const crawlId = (): string => {
    if (rest.length !== 1) throw new UsageError(`${name} takes <crawl id>`)
    const id = rest[0] as string
    const parsed = CrawlIdSchema.safeParse(id)
    if (!parsed.success)
      throw new UsageError(`${name}: "${id}" is not a crawl id (${parsed.error.issues[0]?.message ?? 'invalid'})`)
    return id
  }
  switch (sub) {
    case 'start':
      return crawlStart(rest, options)
    case 'status':
      allow()
      return { operation: 'crawlGet', request: { id: crawlId() }, json }
    case 'list':
      allow()
      if (rest.length > 0) throw new UsageError('crawl list takes no arguments')
      return { operation: 'crawlList', request: {}, json }
    case 'cancel':
    case 'pause':
    case 'resume':
    case 'retry': {
      allow()
      const action: CrawlAction = sub
      return { operation: 'crawlAction', request: { id: crawlId(), action }, json }
    }
    case 'delete':
      allow()
      return { operation: 'crawlDelete', request: { id: crawlId() }, json }
    case 'export': {
      allow('--format')
      const id = crawlId()
      const format = options.values.get('--format')
      if (format === undefined) throw new UsageError(`crawl export needs --format ${EXPORT_FORMATS.join('|')}`)
      if (!isExportFormat(format))
        throw new UsageError(`crawl export: --format "${format}" is not one of ${EXPORT_FORMATS.join(', ')}`)
      return { operation: 'crawlExportUrl', request: { id, format }, json, streamsExport: true }
    }
    case 'changes': {
      allow('--kind')
      const id = crawlId()
      const kind = options.values.get('--kind')
      if (kind !== undefined && !(CHANGE_KINDS as readonly string[]).includes(kind))
        throw new UsageError(`crawl changes: --kind "${kind}" is not one of ${CHANGE_KINDS.join(', ')}`)
      const request = { id, limit: 500, ...(kind === undefined ? {} : { kind: kind as ChangeKind }) }
      return { operation: 'crawlChanges', request, json }
    }
    case undefined:
      throw new UsageError(`crawl takes one of: ${CRAWL_SUBCOMMANDS.join(', ')}`)
    default:
      throw new UsageError(`unknown crawl command "${sub}" (one of: ${CRAWL_SUBCOMMANDS.join(', ')})`)
  }
}

function crawlStart(rest: string[], options: Options): CliCommand {
  const { flags, values, json } = options
  refuseOthers('crawl start', options, [
    '--board',
    '--source',
    '--sitemap',
    '--ids-file',
    '--refresh',
    '--max-attempts',
    '--follow'
  ])
  if (rest.length > 0)
    throw new UsageError(`crawl start takes no arguments, got "${rest.join(' ')}" (a sitemap goes after --sitemap)`)
  const sitemap = values.get('--sitemap')
  const idsFile = values.get('--ids-file')
  const names = options.lists.get('--source') ?? []
  const chosen = [flags.has('--board'), sitemap !== undefined, idsFile !== undefined].filter(Boolean).length
  if (chosen > 1 || (chosen === 0 && names.length === 0))
    throw new UsageError('crawl start takes exactly one of --board, --source NAME…, --sitemap URL, --ids-file FILE')
  if (flags.has('--board') && names.length > 0)
    throw new UsageError('crawl start: --board is the default source; name sources with --source instead')
  if ((sitemap !== undefined || idsFile !== undefined) && names.length > 1)
    throw new UsageError('crawl start: a sitemap or an id list is of one --source')
  const of = names[0] === undefined ? {} : { source: names[0] }
  const source =
    sitemap !== undefined
      ? { kind: 'sitemap', url: sitemap, ...of }
      : idsFile !== undefined
        ? { kind: 'ids', text: '', ...of }
        : names.length > 0
          ? { kind: 'sources', names }
          : { kind: 'board' }
  const request: Record<string, unknown> = { source, refresh: flags.has('--refresh') }
  const maxAttempts = values.get('--max-attempts')
  if (maxAttempts !== undefined) {
    const n = Number(maxAttempts)
    if (!/^\d+$/.test(maxAttempts) || n < 1 || n > 10)
      throw new UsageError(`--max-attempts "${maxAttempts}" is not a whole number from 1 to 10`)
    request['maxAttempts'] = n
  }
  return {
    operation: 'crawlStart',
    request,
    json,
    ...(idsFile === undefined ? {} : { idsFile }),
    ...(flags.has('--follow') ? { follow: true } : {})
  }
}

function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value)
}

function autoscaleCommand(rest: string[], options: Options): CliCommand {
  refuseOthers('autoscale', options, ['--follow', ...Object.keys(AUTOSCALE_OPTIONS)])
  if (rest.length !== 1) throw new UsageError('autoscale takes <service>')
  const settings: Record<string, unknown> = { enabled: true }
  for (const [option, key] of Object.entries(AUTOSCALE_OPTIONS)) {
    const raw = options.values.get(option)
    if (raw === undefined) continue
    if (!/^\d+$/.test(raw)) throw new UsageError(`autoscale: ${option} "${raw}" is not a whole number`)
    settings[key] = Number(raw)
  }
  return {
    operation: 'autoscaleSet',
    request: { service: rest[0], settings },
    json: options.json,
    untilEvents: { event: 'autoscaleDecision', count: options.flags.has('--follow') ? null : 1 }
  }
}
