/**
 * One browser's WebSocket: every frame it sends is parsed and validated against the
 * contract before the controller sees it, each invoke is answered with a result frame of
 * the same id, and every contract event is pushed. Log streams it opened stop when it goes.
 */
import type { WebSocket } from 'ws'
import { panelError } from '../../shared/contract'
import type { PanelEvent } from '../../shared/contract'
import { InvokeFrameSchema } from '../../shared/socket-frames'
import type { ServerFrame } from '../../shared/socket-frames'
import { LogStreamTracker, dispatchRequest, subscribeToAllEvents } from '../ipc/panel-dispatch'
import type { PanelBackend } from '../ipc/panel-dispatch'

/** A client this far behind on events is not reading; close it rather than buffer without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024

export function runSocketSession(socket: WebSocket, backend: PanelBackend): void {
  const logStreams = new LogStreamTracker()
  const send = (frame: ServerFrame): void => {
    if (socket.readyState !== socket.OPEN) return
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(1013, 'Client is not reading events')
      return
    }
    socket.send(JSON.stringify(frame))
  }

  const unsubscribe = subscribeToAllEvents(backend, (event: PanelEvent) => {
    logStreams.noteEvent(event)
    send({ type: 'event', event: event.event, payload: event.payload })
  })

  socket.on('message', (data, isBinary) => {
    void handleMessage(isBinary ? null : data.toString())
  })

  // ws reports a protocol violation (an oversized or unmasked frame…) as 'error'; unheard,
  // it would be thrown and end the whole web shell. Drop this client; 'close' cleans up.
  socket.on('error', () => socket.terminate())

  // A page that (re)connects gets the current status at once: `status` events are pushed only
  // on change, and changes made while it was away would otherwise never reach it.
  void dispatchRequest(backend, 'status', {}).then((result) => {
    if (result.ok) send({ type: 'event', event: 'status', payload: result.value })
  })

  socket.on('close', () => {
    unsubscribe()
    void logStreams.stopAll(backend)
  })

  async function handleMessage(text: string | null): Promise<void> {
    if (text === null) {
      send({ type: 'rejected', error: panelError('InvalidRequest', 'Binary frames are not part of the panel protocol.', 'Send JSON text frames.') })
      return
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      send({ type: 'rejected', error: panelError('InvalidRequest', 'The frame is not valid JSON.', 'Send {"type":"invoke","id":1,"operation":"status","request":{}}.') })
      return
    }
    const frame = InvokeFrameSchema.safeParse(json)
    if (!frame.success) {
      const issues = frame.error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ')
      send({ type: 'rejected', error: panelError('InvalidRequest', `Not an invoke frame: ${issues}`, 'A frame is {"type":"invoke","id":<number>,"operation":<name>,"request":{…}}.') })
      return
    }
    const { id, operation, request } = frame.data
    const result = await dispatchRequest(backend, operation, request)
    logStreams.noteResult(operation, result)
    send({ type: 'result', id, result })
  }
}
