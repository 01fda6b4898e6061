/**
 * Fuzzed listing ids, the same on every run (seeded): mostly ids the validation must refuse
 * (bad characters, too long, empty, traversal, control and non-ASCII characters, raw bad
 * percent-escapes), and a few well-formed ids the board does not have, so the fast path
 * carries the load and the slow path (cache miss, scrape, not found) is walked too.
 */
import { createSeededRandom } from '../../src/services/jobboard/seeded-random'
import { LISTING_ID_PATTERN, ListingIdSchema } from '../../src/shared/listing'

export interface FuzzedId {
  /** The id as a caller means it. */
  id: string
  /** The path segment sent to the API: usually the id percent-encoded, sometimes raw bytes. */
  path: string
  /** Whether the id passes the listing-id rule (then it is looked up for real). */
  wellFormed: boolean
}

const NASTY = [
  '../',
  '..%2F',
  '%00',
  '\u0000',
  '\n',
  '\r\n',
  ' ',
  '\t',
  '/',
  '\\',
  '?',
  '#',
  '&',
  '%',
  '"',
  "'",
  '<script>',
  '${x}',
  '*',
  '$',
  ';',
  '|',
  '`',
  '\u202e',
  '\ufeff',
  'é',
  '漢',
  '😀',
  '\ud800'
]
const WORD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-'
const BAD_ESCAPES = ['%', '%E0%A4%A', '%zz', '%C0%AF', '%ED%A0%80', '%FF%FE', '%25%']

export function fuzzedIds(count: number, seed = 11): FuzzedId[] {
  const random = createSeededRandom(seed)
  const word = (length: number): string => Array.from({ length }, () => WORD[random.int(0, WORD.length - 1)]).join('')
  const out: FuzzedId[] = []
  for (let i = 0; i < count; i++) {
    const shape = random.int(0, 99)
    let id: string
    let raw: string | undefined
    if (shape < 4)
      id = `fuzz-${word(random.int(1, 20))}` // well-formed, unknown to the board
    else if (shape < 12)
      id = word(random.int(65, 400)) // too long
    else if (shape < 16) id = ''
    else if (shape < 24) {
      id = ''
      raw = word(random.int(0, 8)) + random.pick(BAD_ESCAPES) + word(random.int(0, 8))
    } else if (shape < 30) id = random.pick(['.', '..', `../../${word(4)}`, `..\\${word(4)}`, `%2e%2e%2f${word(4)}`])
    else if (shape < 36) id = String.fromCharCode(random.int(0, 31)) + word(random.int(0, 10))
    else {
      const parts = Array.from({ length: random.int(1, 4) }, () =>
        random.chance(0.5) ? random.pick(NASTY) : word(random.int(1, 12))
      )
      id = parts.join('')
      if (LISTING_ID_PATTERN.test(id)) id += random.pick(NASTY)
    }
    out.push({
      id: raw ?? id,
      path: raw ?? pathSegment(id),
      wellFormed: raw === undefined && ListingIdSchema.safeParse(id).success
    })
  }
  return out
}

/** The id percent-encoded for a path; a lone surrogate (which encodeURIComponent refuses) goes as the bytes a browser would send. */
function pathSegment(id: string): string {
  try {
    return encodeURIComponent(id)
  } catch {
    return id.replace(/[\ud800-\udfff]/g, '%ED%A0%80').replace(/[^A-Za-z0-9._~%-]/g, (c) => encodeURIComponent(c))
  }
}
