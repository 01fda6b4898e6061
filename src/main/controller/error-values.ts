/** Any thrown error → the contract's error value `{ kind, message, hint }`. */
import { PANEL_ERROR_KINDS } from '../../shared/contract'
import type { PanelError, PanelErrorKind } from '../../shared/contract'
import { isScrapeErrorKind } from '../../shared/scrape-errors'
import { BrokerUnavailable, IncorrectSignature, MethodNotFound, RemoteError, RpcTimeout, UnknownService } from '../../services/rpc/errors'
import { ComposeFileError } from '../stack/compose-error'
import { EngineUnavailableError, isConnectionError } from '../stack/docker-engine'
import { StackError } from '../stack/stack-error'

export function toPanelError(err: unknown): PanelError {
  if (err instanceof ComposeFileError) {
    return { kind: err.kind, message: err.message, hint: 'Fix the file and try again; nothing was changed.' }
  }
  if (err instanceof StackError) return { kind: err.kind, message: err.message, hint: err.hint }
  if (err instanceof EngineUnavailableError) return { kind: 'EngineUnavailable', message: err.connectivity.message, hint: err.connectivity.hint }
  if (err instanceof RpcTimeout) return { kind: 'RpcTimeout', message: err.message, hint: 'Is a replica of that service running and consuming? See the queue panel.' }
  if (err instanceof UnknownService) return { kind: 'RpcUnknownService', message: err.message, hint: 'No replica of that service has ever connected to this broker; start it.' }
  if (err instanceof MethodNotFound) return { kind: 'RpcMethodNotFound', message: err.message, hint: null }
  if (err instanceof IncorrectSignature) return { kind: 'RpcIncorrectSignature', message: err.message, hint: null }
  if (err instanceof RemoteError) {
    if (isScrapeErrorKind(err.excType)) return { kind: err.excType, message: err.value, hint: null }
    return { kind: 'RpcRemoteError', message: err.message, hint: null }
  }
  if (err instanceof BrokerUnavailable) return { kind: 'BrokerUnavailable', message: err.message, hint: 'Is RabbitMQ running? Check AMQP_URI.' }
  const e = err as { name?: string; message?: string; statusCode?: number; json?: { message?: string } } | null
  if (isConnectionError(err)) return { kind: 'EngineUnavailable', message: e?.message ?? 'connection failed', hint: null }
  if (typeof e?.statusCode === 'number') {
    // A Docker Engine API answer: its own message is the useful part.
    const message = e.json?.message ?? e.message ?? `engine answered ${e.statusCode}`
    return { kind: e.statusCode === 404 ? 'ContainerNotFound' : 'ContainerFailed', message, hint: null }
  }
  if (e !== null && typeof e.name === 'string' && (PANEL_ERROR_KINDS as readonly string[]).includes(e.name)) {
    return { kind: e.name as PanelErrorKind, message: e.message ?? e.name, hint: null }
  }
  if (e?.name === 'CacheUnavailable') return { kind: 'SearchUnavailable', message: e.message ?? 'Elasticsearch unavailable', hint: 'Is Elasticsearch running? Check ELASTICSEARCH_URL.' }
  return { kind: 'Internal', message: e?.message ?? String(err), hint: null }
}
