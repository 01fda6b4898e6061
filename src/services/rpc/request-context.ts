/**
 * What a handler may know of the request it serves beyond its arguments: the request's
 * headers and whether a replica took it before. Carried by AsyncLocalStorage, so handler
 * signatures stay the Nameko method's own.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

export interface RequestContext {
  headers: Record<string, unknown>
  /** Delivered to a replica before (redelivered, or a counted copy of a redelivered request). */
  seenBefore: boolean
  /** Headers the handler adds to its reply (strings, as every reply header: see server.ts's replyHeaders). */
  replyHeaders: Record<string, string>
}

const storage = new AsyncLocalStorage<RequestContext>()

export function runWithRequestContext<T>(context: RequestContext, run: () => Promise<T>): Promise<T> {
  return storage.run(context, run)
}

/** The context of the request being handled; null outside a handler (a direct call, a test). */
export function currentRequestContext(): RequestContext | null {
  return storage.getStore() ?? null
}
