import { describe, expect, it } from 'vitest'
import { ApiError } from './api-error'
import { errorResponse } from './error-response'
import { CrawlError } from '../crawler/crawl-errors'
import { CacheUnavailable } from '../listings/listing-cache'
import { BrokerUnavailable, MethodNotFound, RemoteError, RpcTimeout, UnknownService } from '../rpc/errors'
import {
  InvalidListingId,
  ListingNotFound,
  NotAJobListing,
  PageTooComplex,
  PageTooLarge,
  SourceTimeout,
  SourceUnavailable,
  UnreadablePosting
} from '../scraper/scrape-errors'
import { MalformedListing } from '../listings/rpc-scrape'
import { InvalidSearch, SearchUnavailable } from '../listings/listing-search'

describe('errorResponse', () => {
  const cases: [string, unknown, number, string][] = [
    ['invalid id', new InvalidListingId('a/b', 'bad'), 400, 'InvalidListingId'],
    ['invalid search', new InvalidSearch('page: too small'), 400, 'InvalidSearch'],
    ['bad parameter', new ApiError('InvalidParameter', 'refresh must be 0 or 1'), 400, 'InvalidParameter'],
    ['not found at source', new ListingNotFound('http://x/jobs/1', 404), 404, 'ListingNotFound'],
    ['no route', new ApiError('NotFound', 'no route'), 404, 'NotFound'],
    ['not a listing', new NotAJobListing('http://x/jobs/1', 'no JobPosting'), 422, 'NotAJobListing'],
    ['unreadable posting', new UnreadablePosting('http://x/jobs/1', 'cannot be read'), 422, 'UnreadablePosting'],
    ['source down', new SourceUnavailable('http://x/jobs/1', 'ECONNREFUSED'), 502, 'SourceUnavailable'],
    ['page too large', new PageTooLarge('http://x/jobs/1', 10, '11 bytes'), 502, 'PageTooLarge'],
    ['page too complex', new PageTooComplex('http://x/jobs/1', 'nests 600 deep'), 502, 'PageTooComplex'],
    ['malformed listing', new MalformedListing('svc', 'title: required'), 502, 'MalformedListing'],
    ['broker down', new BrokerUnavailable('no connection'), 503, 'BrokerUnavailable'],
    ['no scraper', new UnknownService('svc'), 503, 'RpcUnknownService'],
    ['listings cache down', new CacheUnavailable('es down'), 503, 'SearchUnavailable'],
    [
      'crawl state conflict',
      new CrawlError('CrawlConflict', 'it is done', 'pause applies to a running crawl.'),
      409,
      'CrawlConflict'
    ],
    ['unknown crawl', new CrawlError('CrawlNotFound', 'No crawl c-1'), 404, 'CrawlNotFound'],
    ['search down', new SearchUnavailable('es down'), 503, 'SearchUnavailable'],
    ['rpc timeout', new RpcTimeout('svc', 'get_job_listing_info', 100), 504, 'RpcTimeout'],
    ['source timeout', new SourceTimeout('http://x/jobs/1', 100), 504, 'SourceTimeout']
  ]
  it.each(cases)('%s → %i %s', (_label, err, status, kind) => {
    const res = errorResponse(err)
    expect(res.status).toBe(status)
    expect(res.body.error.kind).toBe(kind)
    expect(res.body.error.message.length).toBeGreaterThan(0)
    expect(res.body.error.hint.length).toBeGreaterThan(0)
  })

  it('maps scraper errors that crossed the bus by their exc_type', () => {
    expect(
      errorResponse(new RemoteError('ListingNotFound', 'scrapedeck.scraper.ListingNotFound', 'No listing at u')).status
    ).toBe(404)
    expect(errorResponse(new RemoteError('NotAJobListing', null, 'x')).status).toBe(422)
    expect(errorResponse(new RemoteError('SourceTimeout', null, 'x')).status).toBe(504)
    expect(
      errorResponse(new RemoteError('PageTooComplex', 'scrapedeck.scraper.PageTooComplex', 'x')).body.error.kind
    ).toBe('PageTooComplex')
    expect(errorResponse(new RemoteError('InvalidListingId', null, 'x')).body.error).toMatchObject({
      kind: 'InvalidListingId',
      message: 'x'
    })
  })

  it('names a poison request that no replica could finish', () => {
    const poison = new RemoteError(
      'TooManyDeliveries',
      'scrapedeck.rpc.TooManyDeliveries',
      'The request was delivered 6 times'
    )
    expect(errorResponse(poison)).toMatchObject({
      status: 502,
      body: { error: { kind: 'TooManyDeliveries', message: 'The request was delivered 6 times' } }
    })
  })

  it("answers 502 RpcRemoteError for a remote exception no kind names, and Nameko's own by theirs", () => {
    expect(errorResponse(new RemoteError('ValueError', 'builtins.ValueError', 'oops'))).toEqual({
      status: 502,
      body: {
        error: {
          kind: 'RpcRemoteError',
          message: 'ValueError oops',
          hint: "The remote method raised; see that service's logs."
        }
      }
    })
    expect(
      errorResponse(new MethodNotFound('MethodNotFound', 'nameko.exceptions.MethodNotFound', 'get_job_listing_info'))
    ).toMatchObject({ status: 502, body: { error: { kind: 'RpcMethodNotFound' } } })
  })

  it("keeps an error's own hint, and gives the kind's where it has none", () => {
    expect(
      errorResponse(new CrawlError('InvalidCrawl', 'source.url: Invalid url', 'Give a full address.')).body.error.hint
    ).toBe('Give a full address.')
    expect(errorResponse(new CrawlError('CrawlNotFound', 'No crawl c-1')).body.error.hint).toBe(
      'List the crawls with GET /crawls; a deleted crawl is gone for good.'
    )
    expect(errorResponse(new BrokerUnavailable('no connection')).body.error.hint).toBe(
      "Is RabbitMQ running? Check AMQP_URI (the API's GET /health shows its broker link)."
    )
  })

  it('hides the message of unexpected local errors', () => {
    const res = errorResponse(new TypeError('secret internals'))
    expect(res.status).toBe(500)
    expect(res.body.error).toMatchObject({ kind: 'Internal', message: 'Internal error' })
    expect(errorResponse('thrown string').status).toBe(500)
  })
})
