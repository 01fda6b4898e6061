/**
 * The PanelApi of the web shell: operations and events over one WebSocket. It reconnects
 * after the socket drops; invokes pending at that moment answer an error value (never a
 * rejection), like every other failure the renderer shows. Streams survive a reconnect,
 * whatever their kind: each open stream is kept here by its id (picked here when the caller
 * gave none), and after a reconnect opened again under the same id with `resume`, so the
 * views that listen to it notice nothing but the state it sends first.
 */
import type {
  EventListener,
  EventName,
  OperationName,
  OperationRequest,
  OperationResult,
  PanelApi,
  StreamOpenRequest
} from '../../../shared/contract'
import type { PanelError, Result } from '../../../shared/panel-error'
import type { ServerFrame } from '../../../shared/socket-frames'

/** The part of the browser's WebSocket this client uses (the `ws` package has it too). */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(): void
  addEventListener(type: 'open' | 'close', listener: () => void): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
}

export type ConnectionState = 'connecting' | 'open' | 'closed'

const OPEN = 1
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000]

const connectionLost: PanelError = {
  kind: 'PanelDisconnected',
  message: 'The connection to the panel server was lost before it answered.',
  hint: 'Check that `npm run web` is still running; the page reconnects by itself.'
}

export class SocketPanelApi implements PanelApi {
  private socket: SocketLike | null = null
  private nextId = 1
  private attempt = 0
  private closedByUser = false
  private readonly pending = new Map<number, (result: Result<unknown>) => void>()
  private readonly outbox: string[] = []
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  private readonly stateListeners = new Set<(state: ConnectionState) => void>()
  private state: ConnectionState = 'connecting'
  /** The open streams, by id, to open again after a reconnect: the server closes them when the socket drops. */
  private readonly streams = new Map<string, StreamOpenRequest>()
  private nextStreamId = 1
  private readonly streamIdPrefix = `f${Date.now().toString(36)}`

  constructor(
    private readonly url: string,
    private readonly createSocket: (url: string) => SocketLike
  ) {
    this.connect()
  }

  invoke<K extends OperationName>(operation: K, request: OperationRequest<K>): Promise<OperationResult<K>> {
    if (operation === 'streamClose') this.streams.delete((request as OperationRequest<'streamClose'>).streamId)
    if (operation !== 'streamOpen') return this.send(operation, request)
    const asked = request as StreamOpenRequest
    const streamId = asked.streamId ?? this.newStreamId()
    const open = { ...asked, streamId }
    this.streams.set(streamId, open)
    return this.send('streamOpen', open).then((result) => {
      if (!result.ok) this.streams.delete(streamId)
      return result as OperationResult<K>
    })
  }

  private send<K extends OperationName>(operation: K, request: OperationRequest<K>): Promise<OperationResult<K>> {
    const id = this.nextId++
    const frame = JSON.stringify({ type: 'invoke', id, operation, request })
    return new Promise<OperationResult<K>>((resolve) => {
      this.pending.set(id, resolve as (result: Result<unknown>) => void)
      if (this.socket?.readyState === OPEN) this.socket.send(frame)
      else this.outbox.push(frame)
    })
  }

  on<K extends EventName>(event: K, listener: EventListener<K>): () => void {
    const set = this.listeners.get(event) ?? new Set()
    this.listeners.set(event, set)
    const wrapped = listener as (payload: unknown) => void
    set.add(wrapped)
    return () => set.delete(wrapped)
  }

  /** Connection changes, for the banner that says the server is gone. */
  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener)
    listener(this.state)
    return () => this.stateListeners.delete(listener)
  }

  close(): void {
    this.closedByUser = true
    this.socket?.close()
  }

  private connect(): void {
    const socket = this.createSocket(this.url)
    this.socket = socket
    this.setState('connecting')
    socket.addEventListener('open', () => {
      const reconnected = this.attempt > 0
      this.attempt = 0
      this.setState('open')
      for (const frame of this.outbox.splice(0)) socket.send(frame)
      if (reconnected) this.followAgain()
    })
    socket.addEventListener('message', (event) => this.receive(event.data))
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return
      this.setState('closed')
      for (const [id, resolve] of this.pending) {
        this.pending.delete(id)
        resolve({ ok: false, error: connectionLost })
      }
      if (this.closedByUser) {
        // Nothing will be opened again: end the streams for whoever shows them.
        for (const streamId of this.streams.keys())
          this.emit('streamEnd', { streamId, reason: 'The panel connection was closed.' })
        this.streams.clear()
        return
      }
      const delay = RECONNECT_DELAYS_MS[Math.min(this.attempt++, RECONNECT_DELAYS_MS.length - 1)]
      setTimeout(() => this.connect(), delay)
    })
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return
    let frame: ServerFrame
    try {
      frame = JSON.parse(data) as ServerFrame
    } catch {
      return
    }
    if (frame.type === 'result') {
      const resolve = this.pending.get(frame.id)
      this.pending.delete(frame.id)
      resolve?.(frame.result)
    } else if (frame.type === 'event') {
      if (frame.event === 'streamEnd') this.streams.delete((frame.payload as { streamId: string }).streamId)
      this.emit(frame.event, frame.payload)
    } else if (frame.type === 'rejected') {
      // Only a frame this client did not build could be rejected; say so where it shows.
      console.error(`scrapedeck: the server rejected a frame: ${frame.error.message}`)
    }
  }

  /**
   * The server closed this connection's streams when it dropped: open them again under the
   * same ids, resumed (no backlog: what was shown before the drop stays on screen).
   */
  private followAgain(): void {
    for (const [streamId, open] of this.streams) {
      void this.send('streamOpen', { ...open, resume: true }).then((result) => {
        if (result.ok || !this.streams.has(streamId)) return
        this.streams.delete(streamId)
        this.emit('streamEnd', {
          streamId,
          reason: `The stream could not be opened again after a reconnect: ${result.error.message}`
        })
      })
    }
  }

  private newStreamId(): string {
    return `${this.streamIdPrefix}-${this.nextStreamId++}`
  }

  private emit(event: EventName, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload)
  }

  private setState(state: ConnectionState): void {
    this.state = state
    for (const listener of this.stateListeners) listener(state)
  }
}

/** The socket URL of the page the web shell served: same host, token from the page URL. */
export function socketUrlFor(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token')
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`
}
