import { describe, expect, it } from 'vitest'
import { errorFromWire, errorToWire, safeArgs, unserializableWire } from './error-mapping'
import { IncorrectSignature, MalformedRequest, MethodNotFound, RemoteError, RpcTimeout, UnknownService } from './errors'

describe('errorFromWire', () => {
  it('builds the three registered Nameko exceptions from their exc_path', () => {
    const notFound = errorFromWire({
      exc_type: 'MethodNotFound',
      exc_path: 'nameko.exceptions.MethodNotFound',
      exc_args: ['nosuch'],
      value: 'nosuch'
    })
    expect(notFound).toBeInstanceOf(MethodNotFound)
    expect(notFound).toMatchObject({
      excType: 'MethodNotFound',
      value: 'nosuch',
      excArgs: ['nosuch'],
      message: 'MethodNotFound nosuch'
    })
    expect(
      errorFromWire({
        exc_type: 'IncorrectSignature',
        exc_path: 'nameko.exceptions.IncorrectSignature',
        exc_args: [],
        value: 'x'
      })
    ).toBeInstanceOf(IncorrectSignature)
    expect(
      errorFromWire({
        exc_type: 'MalformedRequest',
        exc_path: 'nameko.exceptions.MalformedRequest',
        exc_args: [],
        value: 'x'
      })
    ).toBeInstanceOf(MalformedRequest)
  })

  it('makes everything else a RemoteError, even a registered name on another path', () => {
    const err = errorFromWire({
      exc_type: 'ValueError',
      exc_path: 'builtins.ValueError',
      exc_args: ['bad', '42'],
      value: "('bad', 42)"
    })
    expect(err.constructor).toBe(RemoteError)
    expect(err).toMatchObject({
      excType: 'ValueError',
      excPath: 'builtins.ValueError',
      excArgs: ['bad', '42'],
      message: "ValueError ('bad', 42)"
    })
    expect(
      errorFromWire({ exc_type: 'MethodNotFound', exc_path: 'my.MethodNotFound', exc_args: [], value: 'x' }).constructor
    ).toBe(RemoteError)
  })
})

describe('errorToWire', () => {
  it('uses the error name, an excPath if the error has one, and the message', () => {
    class ListingNotFound extends Error {
      override name = 'ListingNotFound'
      readonly excPath = 'scrapedeck.scraper.ListingNotFound'
    }
    expect(errorToWire(new ListingNotFound('gone'))).toEqual({
      exc_type: 'ListingNotFound',
      exc_path: 'scrapedeck.scraper.ListingNotFound',
      exc_args: ['gone'],
      value: 'gone'
    })
    expect(errorToWire(new TypeError('nope'))).toEqual({
      exc_type: 'TypeError',
      exc_path: 'scrapedeck.TypeError',
      exc_args: ['nope'],
      value: 'nope'
    })
  })

  it('names an error by its error kind when it carries one, and a local RPC error by its kind', () => {
    const refused = Object.assign(new Error('Crawl c-1 is cancelled'), { name: 'CrawlError', kind: 'InvalidCrawl' })
    expect(errorToWire(refused)).toEqual({
      exc_type: 'InvalidCrawl',
      exc_path: 'scrapedeck.InvalidCrawl',
      exc_args: ['Crawl c-1 is cancelled'],
      value: 'Crawl c-1 is cancelled'
    })
    expect(errorToWire(new UnknownService('scraper'))).toMatchObject({
      exc_type: 'RpcUnknownService',
      value: 'Unknown service `scraper`'
    })
    expect(errorToWire(new RpcTimeout('scraper', 'get', 100))).toMatchObject({ exc_type: 'RpcTimeout' })
    // A `kind` that is not an error kind is just a field.
    expect(errorToWire(Object.assign(new Error('x'), { kind: 'id' })).exc_type).toBe('Error')
  })

  it('passes a nested RemoteError on as Nameko RemoteError', () => {
    const nested = new RemoteError('ValueError', 'builtins.ValueError', 'bad', ['bad'])
    expect(errorToWire(nested)).toEqual({
      exc_type: 'RemoteError',
      exc_path: 'nameko.exceptions.RemoteError',
      exc_args: ['ValueError bad'],
      value: 'ValueError bad'
    })
  })

  it('keeps a registered Nameko exception as itself', () => {
    const nested = new MethodNotFound('MethodNotFound', 'nameko.exceptions.MethodNotFound', 'x', ['x'])
    expect(errorToWire(nested)).toEqual({
      exc_type: 'MethodNotFound',
      exc_path: 'nameko.exceptions.MethodNotFound',
      exc_args: ['x'],
      value: 'x'
    })
  })

  it('copes with thrown non-errors', () => {
    expect(errorToWire('plain')).toMatchObject({ exc_type: 'Error', value: 'plain' })
  })
})

describe('safeArgs and unserializable values', () => {
  it('stringifies everything but strings, lists and objects', () => {
    expect(safeArgs(['bad', 42, null, [1], { a: true }])).toEqual(['bad', '42', 'null', ['1'], { a: 'true' }])
  })

  it('describes an unserializable value', () => {
    expect(unserializableWire(10n)).toEqual({
      exc_type: 'UnserializableValueError',
      exc_path: 'nameko.exceptions.UnserializableValueError',
      exc_args: [],
      value: 'Unserializable value: `10n`'
    })
  })
})
