/**
 * REST client of the API service's /watches routes, for the panel, the CLI and tests. Every
 * failure is an ApiClientError (api-client.ts) whose `kind` is the API's own (InvalidWatch,
 * WatchNotFound, WatchConflict), or WatchesUnavailable when there was no usable answer.
 */
import { z } from 'zod'
import { RevealedWatchSchema, WatchListResponseSchema, WatchSchema } from '../../shared/watch'
import type {
  RevealedWatch,
  Watch,
  WatchAction,
  WatchEdit,
  WatchListResponse,
  WatchSpecInput
} from '../../shared/watch'
import { ApiClient } from './api-client'
import type { ApiClientOptions, ApiRoutesErrors } from './api-client'

const WATCH_ROUTES_ERRORS: ApiRoutesErrors = {
  unavailable: 'WatchesUnavailable',
  invalid: 'InvalidWatch',
  notFound: null,
  unreachableHint: 'Is the stack up? Watches are kept and run by the api service.',
  noRoutesHint: 'This API has no /watches routes; rebuild the stack images.'
}

const DeletedSchema = z.object({ deleted: z.boolean() })

export class WatchClient extends ApiClient {
  constructor(options: ApiClientOptions) {
    super(options, WATCH_ROUTES_ERRORS)
  }

  list(): Promise<WatchListResponse> {
    return this.json('GET', '/watches', WatchListResponseSchema)
  }

  get(id: string): Promise<Watch> {
    return this.json('GET', `/watches/${encodeURIComponent(id)}`, WatchSchema)
  }

  /** With its webhook's secret. */
  reveal(id: string): Promise<RevealedWatch> {
    return this.json('GET', `/watches/${encodeURIComponent(id)}?reveal=1`, RevealedWatchSchema)
  }

  /** Answers it with its webhook's secret, the one time it is sent unasked. */
  add(spec: WatchSpecInput): Promise<RevealedWatch> {
    return this.json('POST', '/watches', RevealedWatchSchema, spec)
  }

  edit(id: string, edit: WatchEdit): Promise<Watch> {
    return this.json('PATCH', `/watches/${encodeURIComponent(id)}`, WatchSchema, edit)
  }

  /** pause, resume, or run now (the answer has the run recorded). */
  action(id: string, action: WatchAction): Promise<Watch> {
    return this.json('POST', `/watches/${encodeURIComponent(id)}/${action}`, WatchSchema)
  }

  remove(id: string): Promise<{ deleted: boolean }> {
    return this.json('DELETE', `/watches/${encodeURIComponent(id)}`, DeletedSchema)
  }
}
