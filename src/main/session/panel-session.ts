/**
 * One connected client of the panel (an Electron window, a WebSocket, a CLI run). The only
 * path from an untrusted message to the controller: it checks the operation name, validates
 * the request against the contract, calls the controller and turns anything thrown into an
 * error value, so a caller always gets a Result. It delivers every broadcast event, and
 * answers the stream operations itself: the client's streams (client-streams.ts) are its
 * own, their events go to it alone, and they close when the client goes.
 * Everything it hands a client (answers, error values, events, log lines) passes the
 * backend's masker, so no credential reaches a window, a socket or a terminal.
 * Shells only move frames between their transport and `invoke` / `deliver`.
 */
import {
  BROADCAST_EVENT_NAMES,
  OPERATION_NAMES,
  isOperationName,
  panelError,
  parseRequest
} from '../../shared/contract'
import type { OperationName, ParsedRequest, PanelEvent, Result, StreamOperationName } from '../../shared/contract'
import type { PanelController } from '../controller/panel-controller'
import { ClientStreams } from './client-streams'
import type { ClientStreamLimits } from './client-streams'
import { toPanelError } from '../error-values'
import { maskDeep } from '../../shared/secret-mask'

export type SessionBackend = Pick<PanelController, 'handle' | 'on' | 'mask' | 'streams'>

export class PanelSession {
  private readonly streams: ClientStreams
  private readonly unsubscribers: (() => void)[]
  private disposed = false

  constructor(
    private readonly controller: SessionBackend,
    private readonly deliver: (event: PanelEvent) => void,
    streamLimits?: ClientStreamLimits
  ) {
    this.streams = new ClientStreams(controller.streams, (event) => this.push(event), streamLimits)
    this.unsubscribers = BROADCAST_EVENT_NAMES.map((name) =>
      controller.on(name, (payload) => this.push({ event: name, payload } as PanelEvent))
    )
  }

  async invoke(operation: unknown, request: unknown): Promise<Result<unknown>> {
    if (this.disposed)
      return { ok: false, error: panelError('PanelDisconnected', 'This client has disconnected.', null) }
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
    const parsed = parseRequest(operation, request)
    if (!parsed.ok) return parsed
    try {
      return { ok: true, value: maskDeep(await this.answer(operation, parsed.value), this.controller.mask) }
    } catch (err) {
      return { ok: false, error: maskDeep(toPanelError(err), this.controller.mask) }
    }
  }

  /** The ids of the streams this client has open. */
  openStreams(): string[] {
    return this.streams.ids()
  }

  /** The client went away: unsubscribe, and stop every stream it opened. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const unsubscribe of this.unsubscribers) unsubscribe()
    this.streams.closeAll()
  }

  private answer(operation: OperationName, request: ParsedRequest<OperationName>): Promise<unknown> {
    if (isStreamOperation(operation)) {
      if (operation === 'streamOpen') return this.streams.open(request as ParsedRequest<'streamOpen'>)
      return Promise.resolve({ closed: this.streams.close((request as ParsedRequest<'streamClose'>).streamId) })
    }
    return this.controller.handle(operation, request as ParsedRequest<typeof operation>)
  }

  private push(event: PanelEvent): void {
    if (!this.disposed) this.deliver(maskDeep(event, this.controller.mask))
  }
}

function isStreamOperation(operation: OperationName): operation is StreamOperationName {
  return operation === 'streamOpen' || operation === 'streamClose'
}
