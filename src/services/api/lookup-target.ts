/**
 * The hot route's plain form, `/joblisting/<id>` with a valid listing id and no query,
 * recognized without the WHATWG URL parser: the parser leaves such a target as it is, and
 * it cost more than the rest of routing a cached lookup. Any other target (a query,
 * percent-escapes, dot segments, another route) goes through the parser as before.
 */
import { LISTING_ID_PATTERN } from '../../shared/listing'

export const LOOKUP_PATH_PREFIX = '/joblisting/'

const PLAIN_LOOKUP = new RegExp(`^${LOOKUP_PATH_PREFIX}(${LISTING_ID_PATTERN.source.replace(/^\^|\$$/g, '')})$`)

/** The id of a plain lookup target, null for any other target. */
export function plainLookupId(target: string | undefined): string | null {
  const id = target === undefined ? undefined : PLAIN_LOOKUP.exec(target)?.[1]
  // Dot segments are the URL parser's to resolve (`/joblisting/..` is `/`).
  return id === undefined || id === '.' || id === '..' ? null : id
}
