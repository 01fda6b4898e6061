/**
 * One browser's WebSocket, moved to and from a panel session: a text frame that parses as
 * an invoke frame goes to the session and its Result comes back with the same id; every
 * event the session delivers is pushed. Anything that is not an invoke frame is rejected.
 * The session ends (and with it the log follows it opened) when the socket closes.
 */
import type { WebSocket } from 'ws'
import { panelError } from '../../shared/contract'
import { InvokeFrameSchema } from '../../shared/socket-frames'
import type { ServerFrame } from '../../shared/socket-frames'
import type { PanelSession } from '../session/panel-session'
import type { PanelEvent } from '../../shared/contract'

/** A client this far behind on events is not reading; close it rather than buffer without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024

const EXAMPLE_FRAME = '{"type":"invoke","id":1,"operation":"status","request":{}}'

export function runSocketSession(
  socket: WebSocket,
  newSession: (deliver: (event: PanelEvent) => void) => PanelSession
): void {
  const send = (frame: ServerFrame): void => {
    if (socket.readyState !== socket.OPEN) return
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(1013, 'Client is not reading events')
      return
    }
    socket.send(JSON.stringify(frame))
  }
  const session = newSession((event) => send({ type: 'event', event: event.event, payload: event.payload }))

  socket.on('message', (data, isBinary) => void receive(isBinary ? null : data.toString()))
  // ws reports a protocol violation (an oversized or unmasked frame…) as 'error'; unheard,
  // it would be thrown and end the whole web shell. Drop this client; 'close' cleans up.
  socket.on('error', () => socket.terminate())
  socket.on('close', () => session.dispose())

  // A page that (re)connects gets the current status at once: `status` events are pushed only
  // on change, and changes made while it was away would otherwise never reach it.
  void session.invoke('status', {}).then((result) => {
    if (result.ok) send({ type: 'event', event: 'status', payload: result.value })
  })

  async function receive(text: string | null): Promise<void> {
    const reject = (message: string, hint: string): void =>
      send({ type: 'rejected', error: panelError('InvalidRequest', message, hint) })
    if (text === null) return reject('Binary frames are not part of the panel protocol.', 'Send JSON text frames.')
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return reject('The frame is not valid JSON.', `Send ${EXAMPLE_FRAME}.`)
    }
    const frame = InvokeFrameSchema.safeParse(json)
    if (!frame.success) {
      const issues = frame.error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ')
      return reject(
        `Not an invoke frame: ${issues}`,
        'A frame is {"type":"invoke","id":<number>,"operation":<name>,"request":{…}}.'
      )
    }
    const { id, operation, request } = frame.data
    send({ type: 'result', id, result: await session.invoke(operation, request) })
  }
}
