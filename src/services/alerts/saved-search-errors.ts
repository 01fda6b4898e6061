/** Errors of the saved-search store and its routes; REST answers them as `{ error: { kind, message, hint } }`. */
import type { SavedSearchErrorKind } from '../../shared/saved-search'
import { WatchError } from '../watches/watch-errors'

export class SavedSearchError extends Error {
  override readonly name = 'SavedSearchError'
  constructor(
    readonly kind: SavedSearchErrorKind,
    message: string,
    readonly hint: string | null = null
  ) {
    super(message)
  }
}

export function savedSearchNotFound(name: string): SavedSearchError {
  return new SavedSearchError('SavedSearchNotFound', `No saved search "${name}"`)
}

/** The first zod issue as one line ("webhook: A webhook URL is http or https, not ftp"). */
export function invalidSavedSearch(
  issues: readonly { path: readonly PropertyKey[]; message: string }[]
): SavedSearchError {
  const issue = issues[0]
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `
  return new SavedSearchError('InvalidSavedSearch', `${where}${issue?.message ?? 'invalid saved search'}`)
}

/** Elasticsearch did not answer: the stack's stores are down together, so the kind is the watches'. */
export function savedSearchStoreUnavailable(cause: unknown): WatchError {
  return new WatchError(
    'WatchesUnavailable',
    'The saved-search store (Elasticsearch) cannot be reached',
    'Check Elasticsearch (GET /health).',
    { cause }
  )
}
