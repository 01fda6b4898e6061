/**
 * The PanelApi of the web shell: operations and events over one WebSocket. It reconnects
 * after the socket drops; invokes pending at that moment answer an error value (never a
 * rejection), like every other failure the renderer shows. Log follows survive a reconnect:
 * each follow gets its stream id from this client, and after a reconnect the same follows
 * are opened again under the same ids, so the views that listen to them notice nothing.
 * Crawl follows too (their followId picked here as well); the fresh detail a follow answers
 * again is handed to the view as a crawlProgress event.
 */
import type { EventListener, EventName, OperationName, OperationRequest, OperationResult, PanelApi } from '../../../shared/contract'
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
  /** Log follows to keep, by stream id: the server stops them when the socket drops. */
  private readonly follows = new Map<string, OperationRequest<'logs'>>()
  /** Crawl follows to keep, by followId, for the same reason. */
  private readonly crawlFollows = new Map<string, OperationRequest<'crawlFollow'>>()
  /** Stats follows to keep, by followId, for the same reason. */
  private readonly statsFollows = new Map<string, OperationRequest<'statsFollow'>>()
  private nextStreamId = 1
  private readonly streamIdPrefix = `f${Date.now().toString(36)}`

  constructor(
    private readonly url: string,
    private readonly createSocket: (url: string) => SocketLike
  ) {
    this.connect()
  }

  invoke<K extends OperationName>(operation: K, request: OperationRequest<K>): Promise<OperationResult<K>> {
    if (operation === 'stopLogs') this.follows.delete((request as OperationRequest<'stopLogs'>).streamId)
    if (operation === 'crawlUnfollow') this.crawlFollows.delete((request as OperationRequest<'crawlUnfollow'>).followId)
    if (operation === 'statsUnfollow') this.statsFollows.delete((request as OperationRequest<'statsUnfollow'>).followId)
    if (operation === 'statsFollow') {
      const follow = { ...(request as OperationRequest<'statsFollow'>) }
      const followId = (follow.followId ??= this.newStreamId())
      this.statsFollows.set(followId, follow)
      return this.send('statsFollow', follow).then((result) => {
        if (!result.ok) this.statsFollows.delete(followId)
        return result as OperationResult<K>
      })
    }
    if (operation === 'crawlFollow') {
      const asked = request as OperationRequest<'crawlFollow'>
      const followId = asked.followId ?? this.newStreamId()
      const follow = { ...asked, followId }
      this.crawlFollows.set(followId, follow)
      return this.send('crawlFollow', follow).then((result) => {
        if (!result.ok) this.crawlFollows.delete(followId)
        return result as OperationResult<K>
      })
    }
    if (operation === 'logs' && (request as OperationRequest<'logs'>).follow === true) {
      const logs = request as OperationRequest<'logs'>
      const streamId = logs.streamId ?? this.newStreamId()
      const follow = { ...logs, streamId }
      this.follows.set(streamId, follow)
      return this.send('logs', follow).then((result) => {
        if (!result.ok) this.follows.delete(streamId)
        return result as OperationResult<K>
      })
    }
    return this.send(operation, request)
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
        // Nobody will follow again: end the follows for whoever shows them.
        for (const streamId of this.follows.keys()) this.emit('logEnd', { streamId, reason: 'The panel connection was closed.' })
        this.follows.clear()
        for (const followId of this.crawlFollows.keys()) this.emit('crawlProgressEnd', { followId, reason: 'The panel connection was closed.' })
        this.crawlFollows.clear()
        for (const followId of this.statsFollows.keys()) this.emit('statsEnd', { followId, reason: 'The panel connection was closed.' })
        this.statsFollows.clear()
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
      if (frame.event === 'logEnd') this.follows.delete((frame.payload as { streamId: string }).streamId)
      if (frame.event === 'statsEnd') this.statsFollows.delete((frame.payload as { followId: string }).followId)
      if (frame.event === 'crawlProgressEnd') this.crawlFollows.delete((frame.payload as { followId: string }).followId)
      this.emit(frame.event, frame.payload)
    } else if (frame.type === 'rejected') {
      // Only a frame this client did not build could be rejected; say so where it shows.
      console.error(`scrapedeck: the server rejected a frame: ${frame.error.message}`)
    }
  }

  /**
   * The server stopped this connection's follows when it dropped: open them again under the
   * same ids, from now on (tail 0: the lines shown before the drop stay on screen).
   */
  private followAgain(): void {
    for (const [streamId, follow] of this.follows) {
      void this.send('logs', { ...follow, tail: 0 }).then((result) => {
        if (result.ok || !this.follows.has(streamId)) return
        this.follows.delete(streamId)
        this.emit('logEnd', { streamId, reason: `The log could not be followed again after a reconnect: ${result.error.message}` })
      })
    }
    for (const [followId, follow] of this.statsFollows) {
      void this.send('statsFollow', follow).then((result) => {
        if (result.ok || !this.statsFollows.has(followId)) return
        this.statsFollows.delete(followId)
        this.emit('statsEnd', { followId, reason: `Resource use could not be followed again after a reconnect: ${result.error.message}` })
      })
    }
    for (const [followId, follow] of this.crawlFollows) {
      void this.send('crawlFollow', follow).then((result) => {
        if (!this.crawlFollows.has(followId)) return
        if (result.ok) {
          this.emit('crawlProgress', { followId, detail: result.value.detail })
          return
        }
        this.crawlFollows.delete(followId)
        this.emit('crawlProgressEnd', { followId, reason: `The crawl could not be followed again after a reconnect: ${result.error.message}` })
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
