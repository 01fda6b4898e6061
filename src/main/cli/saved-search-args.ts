/**
 * `deck search save|list|show|edit|remove|deliveries …` → one saved-search operation of the
 * contract; any other `deck search <words…>` stays a full-text search. The webhook URL and the
 * filters are passed on as given, so the contract says what is wrong with them in the same
 * words REST and the panel use.
 */
export class SavedSearchUsageError extends Error {
  override name = 'UsageError'
}

export interface SavedSearchOptions {
  flags: Set<string>
  values: Map<string, string>
  lists: Map<string, string[]>
}

export const SAVED_SEARCH_USAGE = `  search save NAME [--q TEXT] [--source NAME] [--location L] [--min-salary N] [--skill S…] [--webhook URL]
                             save a search; after every watched crawl, the stack sends the
                             listings it fetched that match to the webhook (signed: the secret is
                             printed once, here, and by show --reveal)
  search list                the saved searches and their last delivery
  search show NAME [--reveal]
  search deliveries NAME     its last webhook deliveries, every attempt's status
  search remove NAME`

export const SAVED_SEARCH_VALUE_OPTIONS = ['--q', '--location', '--min-salary', '--webhook'] as const
export const SAVED_SEARCH_LIST_OPTIONS = ['--skill'] as const

/** The words after `search` that name a saved-search command rather than search for themselves. */
const SAVED_SEARCH_SUBCOMMANDS = ['save', 'list', 'show', 'deliveries', 'remove'] as const

type SavedSearchOperation =
  'savedSearchList' | 'savedSearchGet' | 'savedSearchAdd' | 'savedSearchRemove' | 'savedSearchDeliveries'

export function isSavedSearchCommand(words: readonly string[]): boolean {
  return (SAVED_SEARCH_SUBCOMMANDS as readonly string[]).includes(words[0] ?? '')
}

export function savedSearchCommand(
  words: string[],
  options: SavedSearchOptions
): { operation: SavedSearchOperation; request: Record<string, unknown> } {
  const [sub, ...rest] = words
  const command = `search ${sub ?? ''}`
  const allow = (allowed: string[]): void => {
    for (const option of [...options.flags, ...options.values.keys(), ...options.lists.keys()])
      if (!allowed.includes(option)) throw new SavedSearchUsageError(`${command} does not take ${option}`)
  }
  const name = (): string => {
    if (rest.length !== 1) throw new SavedSearchUsageError(`${command} takes NAME`)
    return rest[0] as string
  }
  switch (sub) {
    case 'list':
      allow([])
      if (rest.length > 0) throw new SavedSearchUsageError('search list takes no arguments')
      return { operation: 'savedSearchList', request: {} }
    case 'show':
      allow(['--reveal'])
      return { operation: 'savedSearchGet', request: { name: name(), reveal: options.flags.has('--reveal') } }
    case 'deliveries':
      allow([])
      return { operation: 'savedSearchDeliveries', request: { name: name() } }
    case 'remove':
      allow([])
      return { operation: 'savedSearchRemove', request: { name: name() } }
    case 'save': {
      allow(['--q', '--source', '--location', '--min-salary', '--skill', '--webhook'])
      const query: Record<string, unknown> = { q: options.values.get('--q') ?? '' }
      const sources = options.lists.get('--source') ?? []
      if (sources.length > 1) throw new SavedSearchUsageError('search save takes one --source')
      if (sources[0] !== undefined) query['source'] = sources[0]
      const location = options.values.get('--location')
      if (location !== undefined) query['location'] = location
      const minSalary = options.values.get('--min-salary')
      if (minSalary !== undefined) {
        if (!/^\d+(\.\d+)?$/.test(minSalary))
          throw new SavedSearchUsageError(`search save: --min-salary "${minSalary}" is not a number`)
        query['minSalary'] = Number(minSalary)
      }
      const skills = options.lists.get('--skill')
      if (skills !== undefined) query['skills'] = skills
      const webhook = options.values.get('--webhook')
      return { operation: 'savedSearchAdd', request: { name: name(), query, webhook: webhook ?? null } }
    }
    default:
      throw new SavedSearchUsageError(`search takes one of: ${SAVED_SEARCH_SUBCOMMANDS.join(', ')}, or words`)
  }
}
