/** Errors of the watch store and its surfaces; REST answers them as `{ error: { kind, message, hint } }`. */
import type { WatchErrorKind } from '../../shared/watch'
import { SCHEDULE_EXAMPLE } from '../../shared/watch-schedule'

export class WatchError extends Error {
  override readonly name = 'WatchError'
  constructor(
    readonly kind: WatchErrorKind,
    message: string,
    readonly hint: string | null = null,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

export function watchNotFound(id: string): WatchError {
  return new WatchError('WatchNotFound', `No watch "${id}"`)
}

/**
 * The first zod issue as one line ("schedule: \"61 * * * *\": Invalid value for minute: 61. For
 * example …"), with the example again as the hint for callers that show only the hint.
 */
export function invalidWatch(issues: readonly { path: readonly PropertyKey[]; message: string }[]): WatchError {
  const issue = issues[0]
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `
  return new WatchError(
    'InvalidWatch',
    `${where}${issue?.message ?? 'invalid watch'}`,
    `A watch is { sources: ["jobboard"], schedule, crawl?: { refresh, maxAttempts } }. ${SCHEDULE_EXAMPLE}`
  )
}

export function watchesStarting(): WatchError {
  return new WatchError(
    'WatchesUnavailable',
    'The watch scheduler is still starting',
    'It waits for Elasticsearch; try again in a few seconds.'
  )
}

export function watchStoreUnavailable(cause: unknown): WatchError {
  return new WatchError(
    'WatchesUnavailable',
    'The watch store (Elasticsearch) cannot be reached',
    'Check Elasticsearch (GET /health).',
    { cause }
  )
}
