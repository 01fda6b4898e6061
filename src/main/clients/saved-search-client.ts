/**
 * REST client of the API service's /saved-searches routes, for the panel, the CLI and tests.
 * Every failure is an ApiClientError (api-client.ts) whose `kind` is the API's own
 * (InvalidSavedSearch, SavedSearchNotFound, SavedSearchExists), or WatchesUnavailable when
 * there was no usable answer (saved searches live beside the watches, in the api service).
 */
import { z } from 'zod'
import {
  DeliveryListResponseSchema,
  RevealedSavedSearchSchema,
  SavedSearchListResponseSchema,
  SavedSearchSchema
} from '../../shared/saved-search'
import type {
  DeliveryListResponse,
  RevealedSavedSearch,
  SavedSearch,
  SavedSearchEdit,
  SavedSearchListResponse,
  SavedSearchSpecInput
} from '../../shared/saved-search'
import { ApiClient } from './api-client'
import type { ApiClientOptions, ApiRoutesErrors } from './api-client'

const SAVED_SEARCH_ROUTES_ERRORS: ApiRoutesErrors = {
  unavailable: 'WatchesUnavailable',
  invalid: 'InvalidSavedSearch',
  notFound: null,
  unreachableHint: 'Is the stack up? Saved searches are kept by the api service.',
  noRoutesHint: 'This API has no /saved-searches routes; rebuild the stack images.'
}

const DeletedSchema = z.object({ deleted: z.boolean() })

export class SavedSearchClient extends ApiClient {
  constructor(options: ApiClientOptions) {
    super(options, SAVED_SEARCH_ROUTES_ERRORS)
  }

  list(): Promise<SavedSearchListResponse> {
    return this.json('GET', '/saved-searches', SavedSearchListResponseSchema)
  }

  get(name: string): Promise<SavedSearch> {
    return this.json('GET', `/saved-searches/${encodeURIComponent(name)}`, SavedSearchSchema)
  }

  /** With its signing secret. */
  reveal(name: string): Promise<RevealedSavedSearch> {
    return this.json('GET', `/saved-searches/${encodeURIComponent(name)}?reveal=1`, RevealedSavedSearchSchema)
  }

  /** Answers it with its new signing secret, the one time it is sent unasked. */
  add(spec: SavedSearchSpecInput): Promise<RevealedSavedSearch> {
    return this.json('POST', '/saved-searches', RevealedSavedSearchSchema, spec)
  }

  edit(name: string, edit: SavedSearchEdit): Promise<SavedSearch> {
    return this.json('PATCH', `/saved-searches/${encodeURIComponent(name)}`, SavedSearchSchema, edit)
  }

  remove(name: string): Promise<{ deleted: boolean }> {
    return this.json('DELETE', `/saved-searches/${encodeURIComponent(name)}`, DeletedSchema)
  }

  deliveries(name: string): Promise<DeliveryListResponse> {
    return this.json('GET', `/saved-searches/${encodeURIComponent(name)}/deliveries`, DeliveryListResponseSchema)
  }
}
