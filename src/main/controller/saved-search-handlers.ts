/**
 * The saved-search operations: the api service keeps them and sends their webhooks (never the
 * panel, so closing it loses nothing); the panel is one of its REST clients
 * (clients/saved-search-client.ts).
 */
import type { OperationName, OperationResponse, ParsedRequest } from '../../shared/contract'
import type { SavedSearchClient } from '../clients/saved-search-client'
import { ApiClientError } from '../clients/api-client'

type SavedSearchOperation = Extract<OperationName, `savedSearch${string}`>
type Handler<K extends OperationName> = (request: ParsedRequest<K>) => Promise<OperationResponse<K>>

export type SavedSearchClientView = Pick<
  SavedSearchClient,
  'list' | 'get' | 'reveal' | 'add' | 'edit' | 'remove' | 'deliveries'
>

export function savedSearchHandlers(searches: SavedSearchClientView): {
  [K in SavedSearchOperation]: Handler<K>
} {
  return {
    savedSearchList: () => searches.list(),
    savedSearchGet: (r) => (r.reveal ? searches.reveal(r.name) : searches.get(r.name)),
    savedSearchAdd: (r) => searches.add(r),
    savedSearchEdit: (r) => searches.edit(r.name, r.edit),
    savedSearchRemove: (r) => searches.remove(r.name),
    savedSearchDeliveries: (r) => searches.deliveries(r.name)
  }
}

/** A shell composed without an API client: every saved-search operation says so. */
const noSavedSearches = (): Promise<never> =>
  Promise.reject(
    new ApiClientError(
      'WatchesUnavailable',
      'This panel has no API to ask for saved searches',
      'Start the stack (its api service keeps them and sends their webhooks).'
    )
  )

export const NO_SAVED_SEARCHES: SavedSearchClientView = {
  list: noSavedSearches,
  get: noSavedSearches,
  reveal: noSavedSearches,
  add: noSavedSearches,
  edit: noSavedSearches,
  remove: noSavedSearches,
  deliveries: noSavedSearches
}
