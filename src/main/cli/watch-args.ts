/**
 * `deck watch <subcommand> …` → one watch operation of the contract. A schedule is `--cron
 * EXPR [--tz ZONE]` or `--every 6h`; the cron expression and time zone are passed on as
 * given, so the contract says what is wrong with them in the same words REST and the panel use.
 */
export class WatchUsageError extends Error {
  override name = 'UsageError'
}

export interface WatchOptions {
  flags: Set<string>
  values: Map<string, string>
  /** Every value of a repeatable option (`--source A --source B`). */
  lists: Map<string, string[]>
}

export const WATCH_USAGE = `  watch add --source NAME [--source NAME…] (--cron "0 7 * * *" [--tz Europe/Berlin] | --every 6h)
            [--name TEXT] [--refresh] [--max-attempts N] [--webhook URL]
                             crawl those sources on a schedule, run by the stack (not this terminal):
                             a cron expression (5 fields, or 6 with seconds first) in a time zone
                             (default UTC), or every N hours; a due time while the last run's crawl
                             still runs is skipped, and one missed while the stack was down runs once;
                             its runs' health alerts are POSTed to the webhook, signed with a secret
                             printed once, here, and by show --reveal
  watch edit <id> [--source NAME…] [--cron EXPR [--tz ZONE] | --every Nh] [--name TEXT]
             [--refresh | --no-refresh] [--max-attempts N] [--webhook URL | --no-webhook]
  watch list                 every watch: its schedule in words, next run, last run and its outcome
  watch show <id> [--reveal] a watch, its last runs and its webhook's deliveries
  watch pause|resume|run|remove <id>
                             run: start a run now (skipped, and said so, while its last crawl runs)`

export const WATCH_VALUE_OPTIONS = ['--cron', '--tz', '--every', '--name', '--webhook'] as const

const SUBCOMMANDS = ['add', 'edit', 'list', 'show', 'pause', 'resume', 'run', 'remove'] as const
const ADD_OPTIONS = ['--source', '--cron', '--tz', '--every', '--name', '--refresh', '--max-attempts', '--webhook']
const EDIT_OPTIONS = [...ADD_OPTIONS, '--no-refresh', '--no-webhook']

type WatchOperation = 'watchList' | 'watchGet' | 'watchAdd' | 'watchEdit' | 'watchAction' | 'watchRemove'

export function watchCommand(
  words: string[],
  options: WatchOptions
): { operation: WatchOperation; request: Record<string, unknown> } {
  const [sub, ...rest] = words
  const command = `watch ${sub ?? ''}`.trim()
  const allow = (allowed: string[]): void => {
    for (const option of [...options.flags, ...options.values.keys(), ...options.lists.keys()]) {
      if (!allowed.includes(option)) throw new WatchUsageError(`${command} does not take ${option}`)
    }
  }
  const id = (): string => {
    if (rest.length !== 1) throw new WatchUsageError(`${command} takes <watch id>`)
    return rest[0] as string
  }
  switch (sub) {
    case 'list':
      allow([])
      if (rest.length > 0) throw new WatchUsageError('watch list takes no arguments')
      return { operation: 'watchList', request: {} }
    case 'show':
      allow(['--reveal'])
      return { operation: 'watchGet', request: { id: id(), reveal: options.flags.has('--reveal') } }
    case 'add': {
      allow(ADD_OPTIONS)
      if (rest.length > 0) throw new WatchUsageError(`watch add takes no words, only options (got "${rest[0]}")`)
      const sources = options.lists.get('--source')
      if (sources === undefined) throw new WatchUsageError('watch add needs --source NAME (one or more)')
      const schedule = scheduleOf(options, command)
      if (schedule === undefined) throw new WatchUsageError('watch add needs --cron EXPR [--tz ZONE] or --every Nh')
      return {
        operation: 'watchAdd',
        request: {
          sources,
          schedule,
          crawl: crawlOf(options, command),
          ...nameOf(options),
          ...webhookOf(options, command)
        }
      }
    }
    case 'edit': {
      allow(EDIT_OPTIONS)
      const edit: Record<string, unknown> = { ...nameOf(options), ...webhookOf(options, command) }
      const sources = options.lists.get('--source')
      if (sources !== undefined) edit['sources'] = sources
      const schedule = scheduleOf(options, command)
      if (schedule !== undefined) edit['schedule'] = schedule
      const crawl = crawlOf(options, command)
      if (Object.keys(crawl).length > 0) edit['crawl'] = crawl
      if (Object.keys(edit).length === 0)
        throw new WatchUsageError('watch edit: say what to change (see the options of watch edit)')
      return { operation: 'watchEdit', request: { id: id(), edit } }
    }
    case 'pause':
    case 'resume':
    case 'run':
      allow([])
      return { operation: 'watchAction', request: { id: id(), action: sub } }
    case 'remove':
      allow([])
      return { operation: 'watchRemove', request: { id: id() } }
    case undefined:
      throw new WatchUsageError(`watch takes one of: ${SUBCOMMANDS.join(', ')}`)
    default:
      throw new WatchUsageError(`unknown watch command "${sub}" (one of: ${SUBCOMMANDS.join(', ')})`)
  }
}

function scheduleOf(options: WatchOptions, command: string): Record<string, unknown> | undefined {
  const cron = options.values.get('--cron')
  const timeZone = options.values.get('--tz')
  const every = options.values.get('--every')
  if (cron !== undefined && every !== undefined)
    throw new WatchUsageError(`${command} takes --cron or --every, not both`)
  if (timeZone !== undefined && cron === undefined) throw new WatchUsageError(`${command}: --tz goes with --cron`)
  if (cron !== undefined) return { kind: 'cron', cron, ...(timeZone === undefined ? {} : { timeZone }) }
  if (every === undefined) return undefined
  const hours = /^(\d{1,5})h?$/.exec(every)
  if (hours === null)
    throw new WatchUsageError(`${command}: --every "${every}" is not a number of hours (for example --every 6h)`)
  return { kind: 'every', hours: Number(hours[1]) }
}

function webhookOf(options: WatchOptions, command: string): { webhook?: string | null } {
  const webhook = options.values.get('--webhook')
  if (webhook !== undefined && options.flags.has('--no-webhook'))
    throw new WatchUsageError(`${command} takes --webhook or --no-webhook, not both`)
  if (options.flags.has('--no-webhook')) return { webhook: null }
  return webhook === undefined ? {} : { webhook }
}

function crawlOf(options: WatchOptions, command: string): Record<string, unknown> {
  const crawl: Record<string, unknown> = {}
  if (options.flags.has('--refresh') && options.flags.has('--no-refresh'))
    throw new WatchUsageError(`${command} takes --refresh or --no-refresh, not both`)
  if (options.flags.has('--refresh')) crawl['refresh'] = true
  if (options.flags.has('--no-refresh')) crawl['refresh'] = false
  const attempts = options.values.get('--max-attempts')
  if (attempts !== undefined) {
    if (!/^\d{1,3}$/.test(attempts))
      throw new WatchUsageError(`${command}: --max-attempts "${attempts}" is not a whole number`)
    crawl['maxAttempts'] = Number(attempts)
  }
  return crawl
}

function nameOf(options: WatchOptions): { name?: string } {
  const name = options.values.get('--name')
  return name === undefined ? {} : { name }
}
