/**
 * The answer layout: a listing stored by toDocument is answered byte for byte as the API
 * answered a cache hit before (parse, check, stringify), and every other document takes
 * that parsing path.
 */
import { describe, expect, it } from 'vitest'
import { ListingSchema } from '../../shared/listing'
import type { Listing } from '../../shared/listing'
import { answerOfLayout, answerOfSource } from './listing-answer'
import { ANSWER_LAYOUT, fromSource, toDocument } from './listing-document'

const CACHED_AT = new Date('2026-12-02T01:47:03.120Z')

function listing(overrides: Partial<Listing> = {}): Listing {
  return {
    ID: 'job-1',
    JSON: { '@type': 'JobPosting', title: 'Backend Engineer' },
    title: 'Backend Engineer',
    company: 'Acme Widgets',
    location: null,
    employmentType: ['FULL_TIME'],
    datePosted: '2026-11-01',
    validThrough: null,
    salary: { min: 60000, max: null, currency: 'EUR', unit: 'YEAR' },
    skills: ['TypeScript'],
    description: 'You will build reliable services.',
    url: 'http://127.0.0.1:9/jobs/job-1',
    scrapedAt: '2026-12-02T01:40:00.000Z',
    extractedFrom: 'json-ld',
    source: 'jobboard',
    ...overrides
  }
}

/** What the API answered for a cached listing before the answer layout: parse the source, check it, stringify the listing. */
function answerBefore(stored: string): string | null {
  const cached = fromSource(JSON.parse(stored))
  return cached === null ? null : JSON.stringify(cached.listing)
}

/** The bytes Elasticsearch keeps for a document the official client indexed (its serializer is JSON.stringify). */
function stored(doc: object): Buffer {
  return Buffer.from(JSON.stringify(doc))
}

const awkward: [string, Listing][] = [
  ['a plain listing', listing()],
  [
    'non-ASCII, U+2028, a lone surrogate, quotes and backslashes',
    listing({ title: 'Ingénieur·e "Back\\end"\u2028\ud800 😀', description: '</script>\n\t' })
  ],
  [
    'page JSON that imitates the layout tail',
    listing({
      JSON: {
        note: `","cachedAt":"2026-12-02T01:47:03.120Z","answerLayout":"${ANSWER_LAYOUT}"}`,
        '10': 'integer-like key'
      }
    })
  ],
  // As JSON.parse makes it from a hostile page: an own "__proto__" key.
  [
    'page JSON with an own __proto__ key',
    listing({ JSON: JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown> })
  ],
  [
    'a description ending like the tail',
    listing({
      description: `x","cachedAt":"2026-12-02T01:47:03.120Z","answerLayout":"${ANSWER_LAYOUT}"}`,
      extractedFrom: 'html'
    })
  ],
  ['fields in another order', Object.fromEntries(Object.entries(listing()).reverse()) as Listing],
  [
    'extra fields the schema strips',
    { ...listing(), tracking: 'x', salary: { min: 1, max: 2, currency: null, unit: null, extra: true } } as Listing
  ],
  ['numbers JSON writes oddly', listing({ salary: { min: 1e21, max: -0, currency: null, unit: null } })]
]

describe('a listing stored in the answer layout', () => {
  it.each(awkward)('is answered byte for byte as before: %s', (_name, value) => {
    const source = stored(toDocument(value, CACHED_AT))
    const cut = answerOfLayout(source)
    expect(cut).not.toBeNull()
    expect(cut?.answer.toString('utf8')).toBe(answerBefore(source.toString('utf8')))
    expect(cut?.answer.toString('utf8')).toBe(JSON.stringify(ListingSchema.parse(value)))
    expect(cut?.cachedAt).toBe(CACHED_AT.toISOString())
    // And the same as a document without the layout marker (fields as scraped) is answered.
    expect(cut?.answer.toString('utf8')).toBe(
      answerBefore(JSON.stringify({ ...value, cachedAt: CACHED_AT.toISOString() }))
    )
  })

  it('puts cachedAt and answerLayout last, after the schema fields in order', () => {
    const keys = Object.keys(toDocument(awkward[3]![1], CACHED_AT))
    expect(keys).toEqual([...Object.keys(ListingSchema.shape), 'cachedAt', 'answerLayout'])
  })
})

describe('any other stored document', () => {
  it('without the layout marker is parsed, checked and answered', () => {
    const old = JSON.stringify({ ...awkward[4]![1], cachedAt: CACHED_AT.toISOString() })
    expect(answerOfLayout(Buffer.from(old))).toBeNull()
    const answer = answerOfSource(Buffer.from(old))
    expect(answer?.answer.toString('utf8')).toBe(answerBefore(old))
    expect(answer?.cachedAt).toBe(CACHED_AT.toISOString())
  })

  it('written for another Listing shape is parsed, not passed through', () => {
    const other = JSON.stringify({
      ...listing(),
      futureField: 1,
      cachedAt: CACHED_AT.toISOString(),
      answerLayout: '0123456789abcdef'
    })
    expect(answerOfLayout(Buffer.from(other))).toBeNull()
    const answer = answerOfSource(Buffer.from(other))
    expect(JSON.parse(answer?.answer.toString('utf8') ?? 'null')).toEqual(listing())
  })

  it('with a cachedAt that is not an ISO time is parsed', () => {
    const odd = JSON.stringify({ ...listing(), cachedAt: 'yesterday, about 25 chars', answerLayout: ANSWER_LAYOUT })
    expect(answerOfLayout(Buffer.from(odd))).toBeNull()
    expect(answerOfSource(Buffer.from(odd))?.cachedAt).toBe('yesterday, about 25 chars')
  })

  it('that is no valid Listing, or no JSON, is a miss', () => {
    const { title: _title, ...untitled } = listing()
    expect(answerOfSource(stored({ ...untitled, cachedAt: CACHED_AT.toISOString() }))).toBeNull()
    expect(answerOfSource(Buffer.from('not json'))).toBeNull()
    expect(answerOfSource(Buffer.from(''))).toBeNull()
    expect(answerOfSource(stored({ ...listing() }))).toBeNull() // no cachedAt
  })

  it('that toDocument cannot check is stored without the marker (read back as a miss, as before)', () => {
    const broken = { ...listing(), title: 42 } as unknown as Listing
    const doc = toDocument(broken, CACHED_AT)
    expect(doc.answerLayout).toBeUndefined()
    expect(answerOfSource(stored(doc))).toBeNull()
  })
})
