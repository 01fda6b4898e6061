/**
 * The one path from an untrusted message to the controller, shared by the Electron IPC
 * adapter and the web shell: check the operation name, validate the request against the
 * contract, call the controller, and turn anything thrown into an error value, so a caller
 * always gets a Result and never a rejection.
 */
import { EVENT_NAMES, OPERATION_NAMES, isOperationName, panelError, parseRequest } from '../../shared/contract'
import type {
  EventListener,
  EventName,
  OperationName,
  OperationResult,
  PanelEvent,
  ParsedRequest,
  Result
} from '../../shared/contract'

/** What the shells need from the PanelController: its operations and its events. */
export interface PanelBackend {
  invoke<K extends OperationName>(operation: K, request: ParsedRequest<K>): Promise<OperationResult<K>>
  on<K extends EventName>(event: K, listener: EventListener<K>): () => void
}

export async function dispatchRequest(backend: PanelBackend, operation: unknown, rawRequest: unknown): Promise<Result<unknown>> {
  if (!isOperationName(operation)) {
    return {
      ok: false,
      error: panelError(
        'UnknownOperation',
        `There is no operation named ${JSON.stringify(operation)}.`,
        `Known operations: ${OPERATION_NAMES.join(', ')}.`
      )
    }
  }
  const parsed = parseRequest(operation, rawRequest)
  if (!parsed.ok) return parsed
  try {
    return await backend.invoke(operation, parsed.value)
  } catch (error) {
    // The controller answers error values; a throw is a bug, reported rather than swallowed.
    const message = error instanceof Error ? error.message : String(error)
    return { ok: false, error: panelError('Internal', `${operation} failed unexpectedly: ${message}`, 'This is a bug in the panel; the log has details.') }
  }
}

/** Subscribes to every contract event; returns the function that unsubscribes from all. */
export function subscribeToAllEvents(backend: PanelBackend, send: (event: PanelEvent) => void): () => void {
  const unsubscribers = EVENT_NAMES.map((name) =>
    backend.on(name, (payload) => send({ event: name, payload } as PanelEvent))
  )
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
  }
}

/**
 * Follows `logs` streams opened through one client (a window, a WebSocket) so the shell can
 * stop them when that client goes away; otherwise they would run until their container ends.
 */
export class LogStreamTracker {
  private readonly streamIds = new Set<string>()

  noteResult(operation: unknown, result: Result<unknown>): void {
    if (!result.ok) return
    if (operation === 'logs') {
      const streamId = (result.value as { streamId: string | null }).streamId
      if (streamId !== null) this.streamIds.add(streamId)
    }
  }

  noteEvent(event: PanelEvent): void {
    if (event.event === 'logEnd') this.streamIds.delete(event.payload.streamId)
  }

  /** Stops every stream still open; errors are ignored because the client is already gone. */
  async stopAll(backend: PanelBackend): Promise<void> {
    const ids = [...this.streamIds]
    this.streamIds.clear()
    await Promise.allSettled(ids.map((streamId) => backend.invoke('stopLogs', { streamId })))
  }
}
