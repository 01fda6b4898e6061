/**
 * Any thrown error → the contract's error value `{ kind, message, hint }`. The panel's own
 * errors (stack, engine, management API, crawl client) are told apart by class here; a
 * service's go through src/services/error-values.ts, the same classification the API uses.
 * The hint is the error's own or else its kind's (src/shared/error-kinds.ts). What matches
 * nothing is `Internal`, with its message, so a bug is reported rather than dressed up as
 * something it is not.
 */
import { hintFor } from '../shared/error-kinds'
import type { PanelError, RemoteErrorDetail } from '../shared/contract'
import { serviceErrorValue } from '../services/error-values'
import type { ErrorValue } from '../services/error-values'
import { RemoteError } from '../services/rpc/errors'
import { ManagementApiError } from './broker/management-api'
import { ApiClientError } from './clients/api-client'
import { StreamRefused } from './session/client-streams'
import { ComposeFileError } from './stack/compose-error'
import { CredentialsFileError } from './stack/credentials-file'
import { EngineUnavailableError, isConnectionError } from './stack/docker-engine'
import { StackError } from './stack/stack-error'

export function toPanelError(err: unknown): PanelError {
  const value = panelErrorValue(err) ?? serviceErrorValue(err) ?? engineErrorValue(err)
  const error: PanelError = { kind: value.kind, message: value.message, hint: hintFor(value.kind, value.hint) }
  if (err instanceof RemoteError) error.remote = remoteDetail(err)
  return error
}

function panelErrorValue(err: unknown): ErrorValue | null {
  if (err instanceof ComposeFileError) return { kind: err.kind, message: err.message, hint: null }
  if (err instanceof StreamRefused) return { kind: 'InvalidRequest', message: err.message, hint: err.hint }
  if (err instanceof ApiClientError || err instanceof StackError)
    return { kind: err.kind, message: err.message, hint: err.hint }
  if (err instanceof EngineUnavailableError)
    return { kind: 'EngineUnavailable', message: err.connectivity.message, hint: err.connectivity.hint }
  if (err instanceof ManagementApiError) return { kind: 'ManagementUnavailable', message: err.message, hint: null }
  if (err instanceof CredentialsFileError)
    return { kind: 'CredentialsFileInvalid', message: err.message, hint: err.hint }
  return null
}

/** What is left: the engine's socket failing, or a Docker Engine API answer, or a bug. */
function engineErrorValue(err: unknown): ErrorValue {
  if (isConnectionError(err)) return { kind: 'EngineUnavailable', message: (err as Error).message, hint: null }
  const e = err as { message?: string; statusCode?: number; json?: { message?: string } } | null
  if (typeof e?.statusCode === 'number') {
    // A Docker Engine API answer: its own message is the useful part.
    const message = e.json?.message ?? e.message ?? `engine answered ${e.statusCode}`
    return { kind: e.statusCode === 404 ? 'ContainerNotFound' : 'ContainerFailed', message, hint: null }
  }
  return { kind: 'Internal', message: e?.message ?? String(err), hint: null }
}

function remoteDetail(err: RemoteError): RemoteErrorDetail {
  return { excType: err.excType, excPath: err.excPath, value: err.value }
}
