/**
 * A thrown service error → its kind (src/shared/error-kinds.ts), message and the hint it
 * knows itself. Inside a process an error is told apart by its class; one that crossed the
 * RPC bus is a RemoteError whose exc_type is the kind its thrower named it (a scraper's error
 * `name` is its kind), so a scraper in another process, or in Python, maps the same way as
 * one called in-process. The API, its /crawls routes and the panel all classify through here.
 */
import { errors as esErrors } from '@elastic/elasticsearch'
import { SourceError } from './sources/source-errors'
import { WatchError } from './watches/watch-errors'
import { SavedSearchError } from './alerts/saved-search-errors'
import { isErrorKind } from '../shared/error-kinds'
import type { ErrorKind } from '../shared/error-kinds'
import { ScrapeError } from '../shared/scrape-errors'
import { ApiError } from './api/api-error'
import { CrawlError } from './crawler/crawl-errors'
import { CrawlSourceError } from './crawler/sources/source-error'
import { CacheUnavailable } from './listings/listing-cache'
import { InvalidSearch } from './listings/listing-search'
import { ElasticsearchReadFailed } from './listings/listing-source-reader'
import { MalformedListing } from './listings/rpc-scrape'
import { LogStoreUnavailable } from './logs/es-http'
import { InvalidLogQuery } from './logs/log-query'
import { FetchSlotMissed } from './politeness/fetch-slot'
import { SourceRefused } from './politeness/refusal'
import { RobotsDisallowed } from './politeness/robots-gate'
import {
  BrokerUnavailable,
  IncorrectSignature,
  MethodNotFound,
  NoConsumer,
  RemoteError,
  RpcTimeout,
  UnknownService
} from './rpc/errors'

export interface ErrorValue {
  kind: ErrorKind
  message: string
  /** The error's own hint (it knows the field, the URL); null to use its kind's. */
  hint: string | null
}

/** Null for an error no service raises on purpose: the caller reports it as Internal. */
export function serviceErrorValue(err: unknown): ErrorValue | null {
  if (err instanceof RemoteError) return remoteErrorValue(err)
  if (
    err instanceof CrawlError ||
    err instanceof CrawlSourceError ||
    err instanceof SourceError ||
    err instanceof WatchError ||
    err instanceof SavedSearchError
  )
    return { kind: err.kind, message: err.message, hint: err.hint }
  if (err instanceof ScrapeError || err instanceof ApiError) return { kind: err.name, message: err.message, hint: null }
  if (err instanceof SourceRefused || err instanceof FetchSlotMissed || err instanceof RobotsDisallowed)
    return { kind: err.name, message: err.message, hint: null }
  if (err instanceof UnknownService) return { kind: 'RpcUnknownService', message: err.message, hint: null }
  if (err instanceof NoConsumer) return { kind: 'RpcNoConsumer', message: err.message, hint: null }
  if (err instanceof RpcTimeout) return { kind: 'RpcTimeout', message: err.message, hint: null }
  if (err instanceof BrokerUnavailable) return { kind: 'BrokerUnavailable', message: err.message, hint: null }
  if (err instanceof MalformedListing) return { kind: 'MalformedListing', message: err.message, hint: null }
  if (err instanceof InvalidLogQuery) return { kind: 'InvalidLogQuery', message: err.message, hint: null }
  // Elasticsearch refusing a log search (4xx) is about the query; anything else is the store.
  if (err instanceof LogStoreUnavailable)
    return {
      kind: err.status >= 400 && err.status < 500 ? 'InvalidLogQuery' : 'LogStoreUnavailable',
      message: err.message,
      hint: null
    }
  if (err instanceof InvalidSearch) return { kind: 'InvalidSearch', message: err.message, hint: null }
  // SearchUnavailable is a CacheUnavailable: the listings' Elasticsearch is not there.
  if (err instanceof CacheUnavailable) return { kind: 'SearchUnavailable', message: err.message, hint: null }
  if (err instanceof ElasticsearchReadFailed)
    return { kind: 'SearchUnavailable', message: `Elasticsearch: ${err.message}`, hint: null }
  if (err instanceof esErrors.ElasticsearchClientError)
    return { kind: 'SearchUnavailable', message: `Elasticsearch: ${err.message}`, hint: null }
  return null
}

/**
 * A kind the remote side named keeps its name (ListingNotFound, TooManyDeliveries…); Nameko's
 * own MethodNotFound and IncorrectSignature get theirs; any other exception is RpcRemoteError.
 */
function remoteErrorValue(err: RemoteError): ErrorValue {
  if (err instanceof MethodNotFound) return { kind: 'RpcMethodNotFound', message: err.message, hint: null }
  if (err instanceof IncorrectSignature) return { kind: 'RpcIncorrectSignature', message: err.message, hint: null }
  if (isErrorKind(err.excType) && err.excType !== 'Internal')
    return { kind: err.excType, message: err.value === '' ? err.excType : err.value, hint: null }
  return { kind: 'RpcRemoteError', message: err.message, hint: null }
}
