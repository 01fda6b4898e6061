/**
 * What a handler may do for the one client that sent the request: push it an event meant
 * for it alone (a line of a log it follows), and register the streams it opened, so the
 * session can stop them when the client goes.
 */
import type { ClientEventName, EventPayload } from '../../shared/contract'

export interface ClientChannel {
  send<K extends ClientEventName>(event: K, payload: EventPayload<K>): void
  /** A fresh stream id, unique within this client. */
  newStreamId(): string
  /** Registers a stream under an id this client does not use yet; throws if it does. */
  own(streamId: string, stop: () => void): void
  /** The stream ended by itself: forget it (its end event is the handler's to send). */
  release(streamId: string): void
  /** Stops one of this client's streams; false when it has none by that id. */
  stop(streamId: string): boolean
}

/** A client asked to open a stream under an id it already uses. */
export class StreamIdInUse extends Error {
  override name = 'StreamIdInUse'
  constructor(readonly streamId: string) {
    super(`This client already has a stream with id ${streamId}`)
  }
}
