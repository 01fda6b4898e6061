/** `deck logs [service] [--crawl ID] …`: the stack's log store as a `logSearch` (or a followed `stackLogs`). */
import { LOG_LEVELS, parseLogTime } from '../../shared/log-record'
import type { CliCommand } from './cli-args'

export const LOG_VALUE_OPTIONS = [
  '--crawl',
  '--listing',
  '--level',
  '--since',
  '--until',
  '--grep',
  '--replica',
  '--limit'
] as const

interface ParsedArgs {
  flags: Set<string>
  values: Map<string, string>
  lists: Map<string, string[]>
}

export function stackLogsCommand(
  rest: string[],
  args: ParsedArgs,
  json: boolean,
  allow: (...allowed: string[]) => void,
  /** Throws the CLI's usage error (cli-args.ts owns its class). */
  usage: (message: string) => never
): CliCommand {
  allow('--follow', '--field', ...LOG_VALUE_OPTIONS)
  const { flags, values, lists } = args
  if (rest.length > 1) usage('logs takes at most one [service]')
  const level = values.get('--level')
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level))
    usage(`--level "${level}" is not one of ${LOG_LEVELS.join(', ')}`)
  for (const option of ['--since', '--until']) {
    const value = values.get(option)
    if (value !== undefined && parseLogTime(value) === null)
      usage(`${option} "${value}" is neither an ISO time nor a duration such as 15m, 1h or 2d`)
  }
  const limit = values.get('--limit')
  if (limit !== undefined && !/^\d+$/.test(limit)) usage(`--limit "${limit}" is not a number`)
  const fields: Record<string, string> = {}
  for (const pair of lists.get('--field') ?? []) {
    const at = pair.indexOf('=')
    if (at <= 0) usage(`--field "${pair}" is not NAME=VALUE`)
    fields[pair.slice(0, at)] = pair.slice(at + 1)
  }
  const filter: Record<string, unknown> = {
    ...(rest[0] === undefined ? {} : { service: rest[0] }),
    ...(values.has('--crawl') ? { crawlId: values.get('--crawl') } : {}),
    ...(values.has('--listing') ? { listingId: values.get('--listing') } : {}),
    ...(level === undefined ? {} : { level }),
    ...(values.has('--since') ? { since: values.get('--since') } : {}),
    ...(values.has('--grep') ? { text: values.get('--grep') } : {}),
    ...(values.has('--replica') ? { replica: values.get('--replica') } : {}),
    ...(Object.keys(fields).length > 0 ? { fields } : {})
  }
  const count = limit === undefined ? 200 : Number(limit)
  if (flags.has('--follow')) {
    if (values.has('--until')) usage('--until does not go with --follow')
    return {
      operation: 'streamOpen',
      request: { kind: 'stackLogs', params: { ...filter, tail: count } },
      json,
      follow: true
    }
  }
  return {
    operation: 'logSearch',
    request: {
      ...filter,
      ...(values.has('--until') ? { until: values.get('--until') } : {}),
      order: 'newest',
      size: count
    },
    json
  }
}
