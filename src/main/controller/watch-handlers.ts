/**
 * The watch operations: the api service keeps the watches and its crawl coordinator runs them
 * (never the panel, so closing it loses nothing); the panel is one of its REST clients
 * (clients/watch-client.ts).
 */
import type { OperationName, OperationResponse, ParsedRequest } from '../../shared/contract'
import type { WatchClient } from '../clients/watch-client'
import { ApiClientError } from '../clients/api-client'

type WatchOperation = Extract<OperationName, `watch${string}`>
type Handler<K extends OperationName> = (request: ParsedRequest<K>) => Promise<OperationResponse<K>>

export type WatchClientView = Pick<WatchClient, 'list' | 'get' | 'reveal' | 'add' | 'edit' | 'action' | 'remove'>

export function watchHandlers(watches: WatchClientView): { [K in WatchOperation]: Handler<K> } {
  return {
    watchList: () => watches.list(),
    watchGet: (r) => (r.reveal ? watches.reveal(r.id) : watches.get(r.id)),
    watchAdd: (r) => watches.add(r),
    watchEdit: (r) => watches.edit(r.id, r.edit),
    watchAction: (r) => watches.action(r.id, r.action),
    watchRemove: (r) => watches.remove(r.id)
  }
}

/** A shell composed without an API client: every watch operation says so. */
const noWatches = (): Promise<never> =>
  Promise.reject(
    new ApiClientError(
      'WatchesUnavailable',
      'This panel has no API to ask for watches',
      'Start the stack (its api service keeps and runs the watches).'
    )
  )

export const NO_WATCHES: WatchClientView = {
  list: noWatches,
  get: noWatches,
  reveal: noWatches,
  add: noWatches,
  edit: noWatches,
  action: noWatches,
  remove: noWatches
}
