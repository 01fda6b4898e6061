import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { errors as esErrors } from '@elastic/elasticsearch'
import { describe, expect, it } from 'vitest'
import { ERROR_RULES } from '../shared/error-kinds'
import type { ErrorKind } from '../shared/error-kinds'
import { InvalidListingId } from '../shared/scrape-errors'
import { errorResponse } from '../services/api/error-response'
import { ApiError } from '../services/api/api-error'
import { CrawlError } from '../services/crawler/crawl-errors'
import { CrawlSourceError } from '../services/crawler/sources/source-error'
import { CacheUnavailable } from '../services/listings/listing-cache'
import { InvalidSearch, SearchUnavailable } from '../services/listings/listing-search'
import { ElasticsearchReadFailed } from '../services/listings/listing-source-reader'
import { MalformedListing } from '../services/listings/rpc-scrape'
import { RobotsDisallowed } from '../services/politeness/robots-gate'
import {
  BrokerUnavailable,
  IncorrectSignature,
  MalformedRequest,
  MethodNotFound,
  NoConsumer,
  RemoteError,
  RpcTimeout,
  UnknownService
} from '../services/rpc/errors'
import {
  ListingNotFound,
  ListingNotModified,
  NotAJobListing,
  PageTooComplex,
  PageTooLarge,
  RelayedScrapeError,
  SourceTimeout,
  SourceUnavailable,
  UnreadablePosting
} from '../services/scraper/scrape-errors'
import { FetchSlotMissed } from '../services/politeness/fetch-slot'
import { LogStoreUnavailable } from '../services/logs/es-http'
import { InvalidLogQuery } from '../services/logs/log-query'
import { SourceRefused } from '../services/politeness/refusal'
import { ManagementApiError } from './broker/management-api'
import { ApiClientError } from './clients/api-client'
import { SourceError } from '../services/sources/source-errors'
import { WatchError } from '../services/watches/watch-errors'
import { SavedSearchError } from '../services/alerts/saved-search-errors'
import { SourcePaused, UnknownSource } from '../shared/scrape-errors'
import { toPanelError } from './error-values'
import { StreamRefused } from './session/client-streams'
import { ComposeFileError } from './stack/compose-error'
import { CredentialsFileError } from './stack/credentials-file'
import { EngineUnavailableError } from './stack/docker-engine'
import { StackError } from './stack/stack-error'

/** One of each error class the code throws, and the kind it must become. */
const SAMPLES: Record<string, [Error, ErrorKind]> = {
  SourceRefused: [new SourceRefused('http://board.test/jobs/1', 429, 5000), 'SourceRefused'],
  FetchSlotMissed: [new FetchSlotMissed('the slot closed 40 ms ago'), 'FetchSlotMissed'],
  InvalidLogQuery: [new InvalidLogQuery('since: not a duration or a time: "yesterday"'), 'InvalidLogQuery'],
  LogStoreUnavailable: [new LogStoreUnavailable('Elasticsearch answered 503', 503), 'LogStoreUnavailable'],
  RobotsDisallowed: [
    new RobotsDisallowed(
      'board.test/robots.txt disallows http://board.test/jobs/1 for scrapedeck-scraper; not fetched'
    ),
    'RobotsDisallowed'
  ],
  ManagementApiError: [new ManagementApiError('GET /api/queues answered 401'), 'ManagementUnavailable'],
  ApiClientError: [
    new ApiClientError('CrawlConflict', 'Cannot pause crawl c-1: it is done', null, 409),
    'CrawlConflict'
  ],
  StreamRefused: [
    new StreamRefused('This client already has a stream with id s-1.', 'Close that stream first.'),
    'InvalidRequest'
  ],
  ComposeFileError: [
    new ComposeFileError('ComposeFileInvalid', 'compose.yaml', [
      { line: 3, column: 1, key: 'services', message: 'bad', unsupported: false }
    ]),
    'ComposeFileInvalid'
  ],
  CredentialsFileError: [
    new CredentialsFileError('The credentials file has no ELASTIC_PASSWORD', 'Add the line.'),
    'CredentialsFileInvalid'
  ],
  EngineUnavailableError: [
    new EngineUnavailableError({
      state: 'unreachable',
      endpoint: 'unix:///var/run/docker.sock',
      version: null,
      message: 'connect ENOENT',
      hint: 'Start Docker.',
      since: '2026-12-07T12:00:00Z'
    }),
    'EngineUnavailable'
  ],
  StackError: [new StackError('PortInUse', 'Port 8080 is taken', 'Set API_PORT in .env.'), 'PortInUse'],
  ApiError: [new ApiError('MethodNotAllowed', 'POST is not allowed'), 'MethodNotAllowed'],
  CrawlError: [new CrawlError('CrawlNotFound', 'No crawl c-1'), 'CrawlNotFound'],
  CrawlSourceError: [new CrawlSourceError('SourceUnavailable', 'The sitemap answered HTTP 503'), 'SourceUnavailable'],
  CacheUnavailable: [new CacheUnavailable('no Elasticsearch'), 'SearchUnavailable'],
  SearchUnavailable: [new SearchUnavailable('no Elasticsearch'), 'SearchUnavailable'],
  InvalidSearch: [new InvalidSearch('page: too small'), 'InvalidSearch'],
  ElasticsearchReadFailed: [new ElasticsearchReadFailed('answered 503'), 'SearchUnavailable'],
  MalformedListing: [new MalformedListing('scraper', 'title: required'), 'MalformedListing'],
  RemoteError: [new RemoteError('ValueError', 'builtins.ValueError', 'bad'), 'RpcRemoteError'],
  MethodNotFound: [
    new MethodNotFound('MethodNotFound', 'nameko.exceptions.MethodNotFound', 'nosuch'),
    'RpcMethodNotFound'
  ],
  IncorrectSignature: [
    new IncorrectSignature('IncorrectSignature', 'nameko.exceptions.IncorrectSignature', 'takes 1'),
    'RpcIncorrectSignature'
  ],
  MalformedRequest: [
    new MalformedRequest('MalformedRequest', 'nameko.exceptions.MalformedRequest', 'no args'),
    'RpcRemoteError'
  ],
  UnknownService: [new UnknownService('scraper'), 'RpcUnknownService'],
  NoConsumer: [new NoConsumer('scraper'), 'RpcNoConsumer'],
  RpcTimeout: [new RpcTimeout('scraper', 'get_job_listing_info', 100), 'RpcTimeout'],
  BrokerUnavailable: [new BrokerUnavailable('Not connected'), 'BrokerUnavailable'],
  InvalidListingId: [new InvalidListingId('a/b', 'bad character'), 'InvalidListingId'],
  ListingNotFound: [new ListingNotFound('http://board/jobs/1', 404), 'ListingNotFound'],
  ListingNotModified: [new ListingNotModified('http://board/jobs/1'), 'ListingNotModified'],
  NotAJobListing: [new NotAJobListing('http://board/jobs/1', 'no JobPosting'), 'NotAJobListing'],
  UnreadablePosting: [new UnreadablePosting('http://board/jobs/1', 'broken JSON-LD'), 'UnreadablePosting'],
  SourceUnavailable: [new SourceUnavailable('http://board/jobs/1', 'ECONNREFUSED'), 'SourceUnavailable'],
  SourceTimeout: [new SourceTimeout('http://board/jobs/1', 100), 'SourceTimeout'],
  PageTooLarge: [new PageTooLarge('http://board/jobs/1', 10, '11 bytes'), 'PageTooLarge'],
  PageTooComplex: [new PageTooComplex('http://board/jobs/1', 'nests 600 deep'), 'PageTooComplex'],
  RelayedScrapeError: [new RelayedScrapeError('NotAJobListing', 'no posting'), 'NotAJobListing'],
  UnknownSource: [new UnknownSource('board-b'), 'UnknownSource'],
  SourcePaused: [new SourcePaused('board-b'), 'SourcePaused'],
  WatchError: [
    new WatchError('InvalidWatch', 'schedule: "61 * * * *": Invalid value for minute: 61', 'See the example.'),
    'InvalidWatch'
  ],
  SavedSearchError: [new SavedSearchError('SavedSearchNotFound', 'No saved search "x"'), 'SavedSearchNotFound'],
  SourceError: [
    new SourceError('SourceNameTaken', 'A source named "b" already exists', 'Pick another name.'),
    'SourceNameTaken'
  ]
}

/** Error classes that never leave their module as themselves, and what they become there. */
const CONVERTED: Record<string, string> = {
  ScrapeError: 'abstract: thrown only as one of its subclasses',
  UsageError: 'the CLI prints its usage text instead (cli-args.ts)',
  InterpolationError: 'becomes a ComposeFileInvalid issue of the file (compose-interpolation.ts)',
  TooComplex: 'becomes PageTooComplex (parse-listing.ts)',
  SourceUsageError: 'becomes a UsageError (cli-args.ts)',
  WatchUsageError: 'becomes a UsageError (cli-args.ts)',
  SavedSearchUsageError: 'becomes a UsageError (cli-args.ts)'
}

/** Every `class X extends <an error class>` in the shipped code. */
function errorClassesInSource(): string[] {
  const root = join(__dirname, '..')
  const declared = new Map<string, string>()
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        for (const m of readFileSync(path, 'utf8').matchAll(/class (\w+) extends (\w+)/g)) declared.set(m[1]!, m[2]!)
      }
    }
  }
  walk(root)
  const isError = (name: string, seen = new Set<string>()): boolean => {
    if (name === 'Error') return true
    const base = declared.get(name)
    if (base === undefined || seen.has(name)) return false
    seen.add(name)
    return isError(base, seen)
  }
  return [...declared.keys()].filter((name) => isError(name)).sort()
}

describe('toPanelError', () => {
  it.each(Object.entries(SAMPLES))('maps a %s to its kind, with a hint', (_name, [err, kind]) => {
    const value = toPanelError(err)
    expect(value.kind).toBe(kind)
    expect(value.message.length).toBeGreaterThan(0)
    expect(value.hint).not.toBeNull()
  })

  it('knows every error class the code declares: a new one fails here until it is given its kind', () => {
    const declared = errorClassesInSource()
    expect(declared.length).toBeGreaterThan(30)
    const unknown = declared.filter((name) => !(name in SAMPLES) && !(name in CONVERTED))
    expect(unknown).toEqual([])
    for (const [name, [err]] of Object.entries(SAMPLES)) expect(err.constructor.name, name).toBe(name)
  })

  it("keeps an error's own hint, and the kind's otherwise", () => {
    expect(toPanelError(new StackError('PortInUse', 'Port 8080 is taken', 'Set API_PORT in .env.')).hint).toBe(
      'Set API_PORT in .env.'
    )
    expect(toPanelError(new BrokerUnavailable('Not connected')).hint).toBe(ERROR_RULES.BrokerUnavailable.hint)
    expect(toPanelError(new ComposeFileError('ComposeUnsupported', 'compose.yaml', [])).hint).toBe(
      'Fix the file and try again; nothing was changed.'
    )
  })

  it('carries what a remote method raised, and a scraper kind that crossed the bus by its exc_type', () => {
    expect(toPanelError(new RemoteError('ValueError', 'builtins.ValueError', "('bad', 42)"))).toEqual({
      kind: 'RpcRemoteError',
      message: "ValueError ('bad', 42)",
      hint: "The remote method raised; see that service's logs.",
      remote: { excType: 'ValueError', excPath: 'builtins.ValueError', value: "('bad', 42)" }
    })
    expect(
      toPanelError(new RemoteError('ListingNotFound', 'scrapedeck.scraper.ListingNotFound', 'No listing at u'))
    ).toMatchObject({ kind: 'ListingNotFound', message: 'No listing at u' })
    expect(
      toPanelError(new RemoteError('TooManyDeliveries', 'scrapedeck.rpc.TooManyDeliveries', 'delivered 6 times')).kind
    ).toBe('TooManyDeliveries')
  })

  it('reports what matches nothing as Internal with its message', () => {
    expect(toPanelError(new TypeError('x is undefined'))).toEqual({
      kind: 'Internal',
      message: 'x is undefined',
      hint: ERROR_RULES.Internal.hint
    })
    expect(toPanelError(Object.assign(new Error('no such container'), { statusCode: 404 })).kind).toBe(
      'ContainerNotFound'
    )
    expect(toPanelError(new esErrors.ConnectionError('connect ECONNREFUSED')).kind).toBe('SearchUnavailable')
  })
})

/** The panel's own errors: they never reach the API, which would answer them Internal. */
const PANEL_ONLY = new Set([
  'ManagementApiError',
  'ApiClientError',
  'StreamRefused',
  'ComposeFileError',
  'CredentialsFileError',
  'EngineUnavailableError',
  'StackError'
])

describe('one kind, one answer in every layer', () => {
  it.each(Object.entries(SAMPLES).filter(([name]) => !PANEL_ONLY.has(name)))(
    'a %s is the same kind, status and hint in the API as in the panel',
    (_name, [err, kind]) => {
      const { status, body } = errorResponse(err)
      expect(body.error.kind).toBe(kind)
      expect(status).toBe(ERROR_RULES[kind].status)
      expect(body.error.hint).toBe(toPanelError(err).hint)
    }
  )

  it("answers the panel's own errors Internal in the API, with their message kept out", () => {
    for (const name of PANEL_ONLY)
      expect(errorResponse(SAMPLES[name]![0]), name).toMatchObject({
        status: 500,
        body: { error: { kind: 'Internal', message: 'Internal error' } }
      })
  })
})
