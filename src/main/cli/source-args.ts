/**
 * `deck source <subcommand> …` → one source operation of the contract. Values are passed on
 * as given (numbers as numbers): the contract's schema says what is wrong with them, in the
 * same words the panel and REST use.
 */
import { ON_BLOCKED } from '../../shared/source'

export class SourceUsageError extends Error {
  override name = 'UsageError'
}

export interface SourceOptions {
  flags: Set<string>
  values: Map<string, string>
  /** Every value of a repeatable option (`--sitemap-url A --sitemap-url B`). */
  lists: Map<string, string[]>
}

export const SOURCE_USAGE = `  source list                the sources, each with its hosts' politeness status
  source show <name>
  source hosts [<name>]      every host's limits, requests in flight, req/s of the last minute
                             against its allowed rate, backoff and robots status (one source's)
  source add <name> (--template URL | --sitemap-url URL…) [--sitemap-url URL…] [--max-in-flight N]
             [--min-gap-ms MS] [--ignore-robots] [--auto-throttle] [--on-blocked wait|fail]
                             register a job board: URL is its listing page with {id} where the id goes
  source edit <name> [--template URL | --no-template] [--sitemap-url URL…] [--max-in-flight N]
             [--min-gap-ms MS] [--respect-robots | --ignore-robots] [--auto-throttle | --no-auto-throttle]
             [--on-blocked wait|fail]
  source pause|resume|remove <name>`

export const SOURCE_VALUE_OPTIONS = ['--template', '--max-in-flight', '--min-gap-ms', '--on-blocked'] as const
export const SOURCE_LIST_OPTIONS = ['--sitemap-url'] as const

const SUBCOMMANDS = ['list', 'show', 'hosts', 'add', 'edit', 'pause', 'resume', 'remove'] as const
const ADD_OPTIONS = [
  '--template',
  '--sitemap-url',
  '--max-in-flight',
  '--min-gap-ms',
  '--ignore-robots',
  '--auto-throttle',
  '--on-blocked'
]
const EDIT_OPTIONS = [...ADD_OPTIONS, '--no-template', '--respect-robots', '--no-auto-throttle']

export function sourceCommand(
  words: string[],
  options: SourceOptions
): {
  operation: 'sourceList' | 'sourceGet' | 'sourceHosts' | 'sourceAdd' | 'sourceEdit' | 'sourceAction' | 'sourceRemove'
  request: Record<string, unknown>
} {
  const [sub, ...rest] = words
  const command = `source ${sub ?? ''}`.trim()
  const allow = (allowed: string[]): void => {
    for (const option of [...options.flags, ...options.values.keys(), ...options.lists.keys()]) {
      if (!allowed.includes(option)) throw new SourceUsageError(`${command} does not take ${option}`)
    }
  }
  const name = (): string => {
    if (rest.length !== 1) throw new SourceUsageError(`${command} takes <name>`)
    return rest[0] as string
  }
  switch (sub) {
    case 'list':
      allow([])
      if (rest.length > 0) throw new SourceUsageError('source list takes no arguments')
      return { operation: 'sourceList', request: {} }
    case 'show':
      allow([])
      return { operation: 'sourceGet', request: { name: name() } }
    case 'hosts':
      allow([])
      if (rest.length > 1) throw new SourceUsageError('source hosts takes at most one <name>')
      return { operation: 'sourceHosts', request: rest.length === 0 ? {} : { name: rest[0] } }
    case 'add': {
      allow(ADD_OPTIONS)
      const request: Record<string, unknown> = { name: name(), politeness: politenessOf(options, command) }
      const template = options.values.get('--template')
      if (template !== undefined) request['listingUrlTemplate'] = template
      const sitemaps = options.lists.get('--sitemap-url')
      if (sitemaps !== undefined) request['sitemapUrls'] = sitemaps
      return { operation: 'sourceAdd', request }
    }
    case 'edit': {
      allow(EDIT_OPTIONS)
      const edit: Record<string, unknown> = {}
      const template = options.values.get('--template')
      if (template !== undefined && options.flags.has('--no-template'))
        throw new SourceUsageError('source edit takes --template or --no-template, not both')
      if (template !== undefined) edit['listingUrlTemplate'] = template
      if (options.flags.has('--no-template')) edit['listingUrlTemplate'] = null
      const sitemaps = options.lists.get('--sitemap-url')
      if (sitemaps !== undefined) edit['sitemapUrls'] = sitemaps
      const politeness = politenessOf(options, command)
      if (Object.keys(politeness).length > 0) edit['politeness'] = politeness
      if (Object.keys(edit).length === 0)
        throw new SourceUsageError('source edit: say what to change (see the options of source edit)')
      return { operation: 'sourceEdit', request: { name: name(), edit } }
    }
    case 'pause':
    case 'resume':
      allow([])
      return { operation: 'sourceAction', request: { name: name(), action: sub } }
    case 'remove':
      allow([])
      return { operation: 'sourceRemove', request: { name: name() } }
    case undefined:
      throw new SourceUsageError(`source takes one of: ${SUBCOMMANDS.join(', ')}`)
    default:
      throw new SourceUsageError(`unknown source command "${sub}" (one of: ${SUBCOMMANDS.join(', ')})`)
  }
}

function politenessOf(options: SourceOptions, command: string): Record<string, unknown> {
  const politeness: Record<string, unknown> = {}
  const whole = (option: string, key: string): void => {
    const raw = options.values.get(option)
    if (raw === undefined) return
    if (!/^\d{1,9}$/.test(raw)) throw new SourceUsageError(`${command}: ${option} "${raw}" is not a whole number`)
    politeness[key] = Number(raw)
  }
  whole('--max-in-flight', 'maxInFlight')
  whole('--min-gap-ms', 'minGapMs')
  if (options.flags.has('--ignore-robots') && options.flags.has('--respect-robots'))
    throw new SourceUsageError(`${command} takes --ignore-robots or --respect-robots, not both`)
  if (options.flags.has('--ignore-robots')) politeness['respectRobots'] = false
  if (options.flags.has('--respect-robots')) politeness['respectRobots'] = true
  if (options.flags.has('--auto-throttle') && options.flags.has('--no-auto-throttle'))
    throw new SourceUsageError(`${command} takes --auto-throttle or --no-auto-throttle, not both`)
  if (options.flags.has('--auto-throttle')) politeness['autoThrottle'] = true
  if (options.flags.has('--no-auto-throttle')) politeness['autoThrottle'] = false
  const onBlocked = options.values.get('--on-blocked')
  if (onBlocked !== undefined) {
    if (!(ON_BLOCKED as readonly string[]).includes(onBlocked))
      throw new SourceUsageError(`${command}: --on-blocked "${onBlocked}" is not one of ${ON_BLOCKED.join(', ')}`)
    politeness['onBlocked'] = onBlocked
  }
  return politeness
}
