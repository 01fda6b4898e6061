/**
 * Any thrown error → the contract's error value `{ kind, message, hint }`. Matched by class
 * (never by a name string a bundler may mangle); what matches nothing is `Internal`, with
 * its message, so a bug is reported rather than dressed up as something it is not.
 */
import { errors as esErrors } from '@elastic/elasticsearch'
import type { PanelError, RemoteErrorDetail } from '../../shared/contract'
import { isScrapeErrorKind, ScrapeError } from '../../shared/scrape-errors'
import { BrokerUnavailable, IncorrectSignature, MethodNotFound, RemoteError, RpcTimeout, UnknownService } from '../../services/rpc/errors'
import { CacheUnavailable, InvalidSearch, MalformedListing } from '../../services/listings'
import { SearchUnavailable } from '../../services/listings/listing-search'
import { ComposeFileError } from '../stack/compose-error'
import { EngineUnavailableError, isConnectionError } from '../stack/docker-engine'
import { StackError } from '../stack/stack-error'
import { StreamIdInUse } from './client-channel'
import { CrawlClientError } from '../clients/crawl-client'
import { SourceClientError } from '../clients/source-client'
import { ManagementApiError } from '../broker/management-api'

const ELASTICSEARCH_HINT = 'Is Elasticsearch running? Check ELASTICSEARCH_URL; lookups still work through the scraper.'

export function toPanelError(err: unknown): PanelError {
  if (err instanceof ComposeFileError) {
    return { kind: err.kind, message: err.message, hint: 'Fix the file and try again; nothing was changed.' }
  }
  if (err instanceof StreamIdInUse) return { kind: 'InvalidRequest', message: err.message, hint: 'Stop that stream first, or follow under another id.' }
  if (err instanceof CrawlClientError) return { kind: err.kind, message: err.message, hint: err.hint }
  if (err instanceof SourceClientError) return { kind: err.kind, message: err.message, hint: err.hint }
  if (err instanceof StackError) return { kind: err.kind, message: err.message, hint: err.hint }
  if (err instanceof EngineUnavailableError) return { kind: 'EngineUnavailable', message: err.connectivity.message, hint: err.connectivity.hint }
  if (err instanceof RpcTimeout) return { kind: 'RpcTimeout', message: err.message, hint: 'Is a replica of that service running and consuming? See the queue panel.' }
  if (err instanceof UnknownService) return { kind: 'RpcUnknownService', message: err.message, hint: 'No replica of that service has ever connected to this broker; start it.' }
  if (err instanceof MethodNotFound) return { kind: 'RpcMethodNotFound', message: err.message, hint: null, remote: remoteDetail(err) }
  if (err instanceof IncorrectSignature) return { kind: 'RpcIncorrectSignature', message: err.message, hint: null, remote: remoteDetail(err) }
  if (err instanceof RemoteError) {
    if (isScrapeErrorKind(err.excType)) return { kind: err.excType, message: err.value, hint: null, remote: remoteDetail(err) }
    return { kind: 'RpcRemoteError', message: err.message, hint: null, remote: remoteDetail(err) }
  }
  if (err instanceof ManagementApiError) {
    return { kind: 'ManagementUnavailable', message: err.message, hint: 'Is the RabbitMQ management plugin on? Check RABBITMQ_MANAGEMENT_URL and its credentials.' }
  }
  if (err instanceof BrokerUnavailable) return { kind: 'BrokerUnavailable', message: err.message, hint: 'Is RabbitMQ running? Check AMQP_URI.' }
  if (err instanceof ScrapeError) return { kind: err.name, message: err.message, hint: null }
  if (err instanceof MalformedListing) return { kind: 'MalformedListing', message: err.message, hint: null }
  if (err instanceof InvalidSearch) return { kind: 'InvalidSearch', message: err.message, hint: null }
  if (err instanceof SearchUnavailable) return { kind: 'SearchUnavailable', message: err.message, hint: err.hint }
  if (err instanceof CacheUnavailable || err instanceof esErrors.ElasticsearchClientError) {
    return { kind: 'SearchUnavailable', message: `Elasticsearch: ${err.message}`, hint: ELASTICSEARCH_HINT }
  }
  if (isConnectionError(err)) return { kind: 'EngineUnavailable', message: (err as Error).message, hint: null }
  const e = err as { message?: string; statusCode?: number; json?: { message?: string } } | null
  if (typeof e?.statusCode === 'number') {
    // What is left with a status code is a Docker Engine API answer: its own message is the useful part.
    const message = e.json?.message ?? e.message ?? `engine answered ${e.statusCode}`
    return { kind: e.statusCode === 404 ? 'ContainerNotFound' : 'ContainerFailed', message, hint: null }
  }
  return { kind: 'Internal', message: e?.message ?? String(err), hint: null }
}

function remoteDetail(err: RemoteError): RemoteErrorDetail {
  return { excType: err.excType, excPath: err.excPath, value: err.value }
}
