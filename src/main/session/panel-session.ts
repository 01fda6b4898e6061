/**
 * One connected client of the panel (an Electron window, a WebSocket, a CLI run). The only
 * path from an untrusted message to the controller: it checks the operation name, validates
 * the request against the contract, calls the controller and turns anything thrown into an
 * error value, so a caller always gets a Result. It delivers every broadcast event and the
 * events of the streams this client opened, and stops those streams when the client goes.
 * Everything it hands a client (answers, error values, events, log lines) passes the
 * backend's masker, so no credential reaches a window, a socket or a terminal.
 * Shells only move frames between their transport and `invoke` / `deliver`.
 */
import { randomUUID } from 'node:crypto'
import { BROADCAST_EVENT_NAMES, OPERATION_NAMES, isOperationName, panelError, parseRequest } from '../../shared/contract'
import type { ClientEventName, EventPayload, OperationName, PanelEvent, Result } from '../../shared/contract'
import type { PanelController } from '../controller/panel-controller'
import { StreamIdInUse } from './client-channel'
import type { ClientChannel } from './client-channel'
import { toPanelError } from '../error-values'
import { maskDeep } from '../../shared/secret-mask'

export type SessionBackend = Pick<PanelController, 'handle' | 'on' | 'mask'>

export class PanelSession {
  private readonly streams = new Map<string, () => void>()
  private readonly unsubscribers: (() => void)[]
  private disposed = false

  constructor(
    private readonly controller: SessionBackend,
    private readonly deliver: (event: PanelEvent) => void
  ) {
    this.unsubscribers = BROADCAST_EVENT_NAMES.map((name) =>
      controller.on(name, (payload) => this.push({ event: name, payload } as PanelEvent))
    )
  }

  async invoke(operation: unknown, request: unknown): Promise<Result<unknown>> {
    if (this.disposed) return { ok: false, error: panelError('PanelDisconnected', 'This client has disconnected.', null) }
    if (!isOperationName(operation)) {
      return {
        ok: false,
        error: panelError('UnknownOperation', `There is no operation named ${JSON.stringify(operation)}.`, `Known operations: ${OPERATION_NAMES.join(', ')}.`)
      }
    }
    const parsed = parseRequest(operation, request)
    if (!parsed.ok) return parsed
    try {
      return { ok: true, value: maskDeep(await this.controller.handle(operation as OperationName, parsed.value, this.channel), this.controller.mask) }
    } catch (err) {
      return { ok: false, error: maskDeep(toPanelError(err), this.controller.mask) }
    }
  }

  /** The ids of the streams this client has open (for tests and diagnostics). */
  openStreams(): string[] {
    return [...this.streams.keys()]
  }

  /** The client went away: unsubscribe, and stop every stream it opened. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const unsubscribe of this.unsubscribers) unsubscribe()
    const stops = [...this.streams.values()]
    this.streams.clear()
    for (const stop of stops) stop()
  }

  private push(event: PanelEvent): void {
    if (!this.disposed) this.deliver(maskDeep(event, this.controller.mask))
  }

  private readonly channel: ClientChannel = {
    send: <K extends ClientEventName>(event: K, payload: EventPayload<K>) => this.push({ event, payload } as PanelEvent),
    newStreamId: () => randomUUID(),
    own: (streamId, stop) => {
      if (this.disposed) {
        stop()
        return
      }
      if (this.streams.has(streamId)) throw new StreamIdInUse(streamId)
      this.streams.set(streamId, stop)
    },
    release: (streamId) => {
      this.streams.delete(streamId)
    },
    stop: (streamId) => {
      const stop = this.streams.get(streamId)
      if (stop === undefined) return false
      this.streams.delete(streamId)
      stop()
      return true
    }
  }
}
