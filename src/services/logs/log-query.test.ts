import { describe, expect, it } from 'vitest'
import { LogQuerySchema } from '../../shared/log-record'
import { InvalidLogQuery, logPageOf, logSearchBody } from './log-query'
import { indicesToDelete } from './log-store'
import { logQueryFromParams, logQueryParams } from '../api/log-routes'

const now = new Date('2026-12-07T12:00:00.000Z')

describe('a log query as an Elasticsearch search', () => {
  it('filters exactly on ids and fields, by level and above, and by time (durations back from now)', () => {
    const body = logSearchBody(
      LogQuerySchema.parse({
        service: 'scraper',
        crawlId: 'c-1',
        listingId: '42',
        level: 'warn',
        since: '1h',
        until: '2026-12-07T11:30:00Z',
        fields: { kind: 'ListingNotFound' },
        text: 'not scraped',
        exact: 'item failed'
      }),
      now
    )
    expect(body['query']).toEqual({
      bool: {
        filter: [
          { term: { service: 'scraper' } },
          { term: { crawlId: 'c-1' } },
          { term: { listingId: '42' } },
          { term: { kind: 'ListingNotFound' } },
          { terms: { level: ['warn', 'error'] } },
          { range: { time: { gte: '2026-12-07T11:00:00.000Z', lte: '2026-12-07T11:30:00.000Z' } } }
        ],
        must: [
          { simple_query_string: { query: 'not scraped', fields: ['*'], default_operator: 'and', lenient: true } },
          { match_phrase: { msg: 'item failed' } }
        ]
      }
    })
    expect(body['sort']).toEqual([
      { time: { order: 'desc' } },
      { replica: { order: 'desc' } },
      { logSeq: { order: 'desc', unmapped_type: 'long' } }
    ])
  })

  it('pages with the cursor of the last line, and refuses a cursor or a time it cannot read', () => {
    const page = logPageOf(
      {
        hits: {
          total: { value: 7 },
          hits: [
            {
              _id: 'a',
              _source: {
                time: 't',
                level: 'warn',
                service: 's',
                replica: 'r',
                component: 'c',
                msg: 'm',
                logSeq: 3,
                x: 1
              },
              sort: [1, 'r', 3]
            }
          ]
        }
      },
      1
    )
    expect(page.lines).toEqual([
      { id: 'a', time: 't', level: 'warn', service: 's', replica: 'r', component: 'c', msg: 'm', fields: { x: 1 } }
    ])
    expect(page.total).toBe(7)
    expect(logSearchBody(LogQuerySchema.parse({ after: page.next! }), now)['search_after']).toEqual([1, 'r', 3])
    expect(() => logSearchBody(LogQuerySchema.parse({ after: 'nope' }), now)).toThrow(InvalidLogQuery)
    expect(() => logSearchBody(LogQuerySchema.parse({ since: 'yesterday' }), now)).toThrow(/since "yesterday"/)
  })

  it('reads GET /logs parameters, and names the one that is wrong', () => {
    const query = logQueryFromParams(new URLSearchParams('listing=42&level=warn&field.kind=NotFound&size=5'))
    expect(query).toMatchObject({ listingId: '42', level: 'warn', fields: { kind: 'NotFound' }, size: 5 })
    expect(logQueryFromParams(logQueryParams(query))).toEqual(query)
    expect(() => logQueryFromParams(new URLSearchParams('level=loud'))).toThrow(/parameter level/)
    expect(() => logQueryFromParams(new URLSearchParams('size=5000'))).toThrow(/parameter size/)
    expect(() => logQueryFromParams(new URLSearchParams('colour=red'))).toThrow(/no parameter "colour"/)
  })
})

describe('the log retention', () => {
  const day = (d: string, mb: number): { index: string; bytes: number } => ({
    index: `p-logs-2026.12.${d}`,
    bytes: mb * 1024 * 1024
  })

  it('deletes days past the retention, then the oldest while over the size cap, never today', () => {
    const indices = [
      day('07', 50),
      day('01', 10),
      day('06', 10),
      day('05', 10),
      day('04', 10),
      { index: 'p-other', bytes: 1 }
    ]
    expect(indicesToDelete('p', indices, { retentionDays: 3, maxBytes: 1e12 }, now)).toEqual([
      'p-logs-2026.12.01',
      'p-logs-2026.12.04'
    ])
    expect(indicesToDelete('p', indices, { retentionDays: 7, maxBytes: 65 * 1024 * 1024 }, now)).toEqual([
      'p-logs-2026.12.01',
      'p-logs-2026.12.04',
      'p-logs-2026.12.05'
    ])
    expect(indicesToDelete('p', [day('07', 500)], { retentionDays: 1, maxBytes: 1 }, now)).toEqual([])
  })
})
