/**
 * The panel as a test drives it: the real composition root and one panel session, exposed
 * as the contract's PanelApi (invoke + on), so integration tests go through the same
 * validation, error mapping and event routing as the shells do.
 */
import type {
  EventListener,
  EventName,
  OperationName,
  OperationRequest,
  OperationResult,
  PanelApi
} from '../../src/shared/contract'
import type { PanelSettings } from '../../src/main/config/panel-config'
import { createPanel } from '../../src/main/panel-composition'
import type { Panel } from '../../src/main/panel-composition'
import { PanelSession } from '../../src/main/session/panel-session'

export class PanelUnderTest implements PanelApi {
  readonly panel: Panel
  readonly session: PanelSession
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>()

  constructor(settings: PanelSettings) {
    this.panel = createPanel(settings)
    this.session = new PanelSession(this.panel.controller, (event) => {
      for (const listener of this.listeners.get(event.event) ?? []) listener(event.payload)
    })
  }

  get broker(): Panel['broker'] {
    return this.panel.broker
  }

  start(options?: { metrics?: boolean }): Promise<void> {
    return this.panel.controller.start(options)
  }

  invoke<K extends OperationName>(operation: K, request: OperationRequest<K>): Promise<OperationResult<K>> {
    return this.session.invoke(operation, request) as Promise<OperationResult<K>>
  }

  on<K extends EventName>(event: K, listener: EventListener<K>): () => void {
    const set = this.listeners.get(event) ?? new Set()
    this.listeners.set(event, set)
    set.add(listener as (payload: unknown) => void)
    return () => set.delete(listener as (payload: unknown) => void)
  }

  async close(): Promise<void> {
    this.session.dispose()
    await this.panel.close()
  }
}
