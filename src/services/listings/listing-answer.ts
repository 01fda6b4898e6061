/**
 * A cached listing's stored bytes → the bytes the API answers, without parsing them when
 * they are in the answer layout: the document ends in `,"cachedAt":"<ISO time>",
 * "answerLayout":"<ANSWER_LAYOUT>"}` and everything before it is the Listing exactly as
 * `JSON.stringify` writes the API's answer (toDocument writes it so). Cutting that tail
 * off gives the answer byte for byte; any other document (an older layout, another schema)
 * is parsed and checked as before.
 */
import { ANSWER_LAYOUT, fromSource } from './listing-document'

export interface CachedAnswer {
  /** The listing's JSON, as the API sends it. */
  answer: Buffer
  cachedAt: string
}

const CACHED_AT_HEAD = Buffer.from(',"cachedAt":"')
const LAYOUT_TAIL = Buffer.from(`","answerLayout":"${ANSWER_LAYOUT}"}`)
/** `Date.toISOString()` for years 0–9999; anything else is not the layout. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const ISO_LENGTH = 24
const CLOSE = Buffer.from('}')

/** The answer for stored bytes; null when they hold no valid Listing (a miss, as before). */
export function answerOfSource(source: Buffer): CachedAnswer | null {
  return answerOfLayout(source) ?? answerByParsing(source)
}

/** The answer cut out of bytes in the answer layout; null for any other bytes. */
export function answerOfLayout(source: Buffer): CachedAnswer | null {
  const timeEnd = source.length - LAYOUT_TAIL.length
  const head = timeEnd - ISO_LENGTH - CACHED_AT_HEAD.length
  // `{` plus at least one field before the tail.
  if (head < 2 || source[0] !== 0x7b) return null
  if (!source.subarray(timeEnd).equals(LAYOUT_TAIL)) return null
  if (!source.subarray(head, head + CACHED_AT_HEAD.length).equals(CACHED_AT_HEAD)) return null
  const cachedAt = source.toString('latin1', timeEnd - ISO_LENGTH, timeEnd)
  if (!ISO_TIME.test(cachedAt)) return null
  // The quotes of the tail follow `,` and `:`, never a backslash, so they cannot sit inside
  // a string: the tail is the document's own last two fields.
  return { answer: Buffer.concat([source.subarray(0, head), CLOSE], head + 1), cachedAt }
}

function answerByParsing(source: Buffer): CachedAnswer | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(source.toString('utf8'))
  } catch {
    return null
  }
  const cached = fromSource(parsed)
  return cached === null ? null : { answer: Buffer.from(JSON.stringify(cached.listing)), cachedAt: cached.cachedAt }
}
