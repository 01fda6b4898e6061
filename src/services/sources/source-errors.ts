/** Errors of the source store and its surfaces; REST answers them as `{ error: { kind, message, hint } }`. */
import type { SourceErrorKind } from '../../shared/source'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'

export class SourceError extends Error {
  override readonly name = 'SourceError'
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

export function sourceNotFound(name: string): SourceError {
  return new SourceError(
    'SourceNotFound',
    `No source named "${name}"`,
    'List the sources with `deck source list` or GET /sources.'
  )
}

export function sourceNameTaken(name: string): SourceError {
  return new SourceError(
    'SourceNameTaken',
    `A source named "${name}" already exists`,
    'Pick another name, or edit that source.'
  )
}

export function defaultSourceKept(): SourceError {
  return new SourceError(
    'SourceConflict',
    `The default source "${DEFAULT_SOURCE_NAME}" cannot be removed`,
    'Lookups without a source (and Nameko callers of get_job_listing_info) scrape it; pause it instead.'
  )
}

/** The first zod issue as one line: "politeness.maxInFlight: At most N requests in flight: N is at least 1". */
export function invalidSource(issues: readonly { path: readonly PropertyKey[]; message: string }[]): SourceError {
  const issue = issues[0]
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `
  return new SourceError(
    'InvalidSource',
    `${where}${issue?.message ?? 'invalid source'}`,
    'A source is { name, listingUrlTemplate: "https://board.example/jobs/{id}" or null, sitemapUrls: [http(s) URLs], politeness: { maxInFlight ≥ 1, minGapMs ≥ 0, respectRobots, autoThrottle, onBlocked: wait|fail } }.'
  )
}
