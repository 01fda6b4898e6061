/**
 * Why a string read from a crawl source is not a listing id, in words a user can act on
 * ("is 70 characters long…", "contains a space…") rather than the schema's general rule.
 * The schema (src/shared/listing.ts) stays the judge; this only explains its verdict.
 */
import { ListingIdSchema } from '../../../shared/listing'

const MAX_ID_LENGTH = 64
const ID_CHARACTER = /[A-Za-z0-9._-]/

/** null when `id` is a valid listing id, else the reason it is not. */
export function listingIdProblem(id: string): string | null {
  const checked = ListingIdSchema.safeParse(id)
  if (checked.success) return null
  if (id.length === 0) return 'the id is empty'
  if (id.length > MAX_ID_LENGTH)
    return `the id is ${id.length} characters long; a listing id is at most ${MAX_ID_LENGTH}`
  const bad = [...id].find((char) => !ID_CHARACTER.test(char))
  if (bad !== undefined)
    return `the id contains ${describeCharacter(bad)}; a listing id holds only letters, digits, ".", "_" and "-"`
  return checked.error.issues.map((issue) => issue.message).join('; ')
}

function describeCharacter(char: string): string {
  if (char === ' ') return 'a space'
  if (char === '\t') return 'a tab'
  const code = char.codePointAt(0) ?? 0
  if (code < 0x20 || code === 0x7f) return `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  return `"${char}"`
}
