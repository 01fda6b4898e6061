/**
 * A PanelApi over a panel session in this process: what main's own clients (the desktop
 * notifier) program against, so they go through the same validation and events as a window.
 */
import { EventEmitter } from 'node:events'
import type {
  EventListener,
  EventName,
  OperationName,
  OperationRequest,
  OperationResult,
  PanelApi,
  PanelEvent
} from '../../shared/contract'
import { PanelSession } from '../session/panel-session'
import type { SessionBackend } from '../session/panel-session'

export function inProcessApi(controller: SessionBackend): PanelApi & { dispose(): void } {
  const events = new EventEmitter()
  events.setMaxListeners(50)
  const session = new PanelSession(controller, (event: PanelEvent) => events.emit(event.event, event.payload))
  return {
    invoke: <K extends OperationName>(operation: K, request: OperationRequest<K>) =>
      session.invoke(operation, request) as Promise<OperationResult<K>>,
    on: <K extends EventName>(event: K, listener: EventListener<K>) => {
      events.on(event, listener)
      return () => {
        events.off(event, listener)
      }
    },
    dispose: () => session.dispose()
  }
}
