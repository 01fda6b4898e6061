import { expect, it } from 'vitest'
import { SCRAPE_ERROR_KINDS } from '../../shared/scrape-errors'
import { PERMANENT_KINDS, TRANSIENT_KINDS } from '../crawler/item-outcome'

it('every scrape error kind is one crawls classify, a hostile, oversized or unreadable page as permanent', () => {
  for (const kind of SCRAPE_ERROR_KINDS) expect(PERMANENT_KINDS.has(kind) !== TRANSIENT_KINDS.has(kind), kind).toBe(true)
  for (const kind of ['PageTooComplex', 'PageTooLarge', 'UnreadablePosting', 'TooManyDeliveries']) expect(PERMANENT_KINDS.has(kind), kind).toBe(true)
})
