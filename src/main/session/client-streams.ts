/**
 * The streams one client opened (`streamOpen`), whatever their kind: each gets an id unique
 * within the client, sends its first items (the state when it opened) before anything its
 * source pushed meanwhile, ends exactly once with a reason (its source ended, the client
 * closed it, or the client went), and has its source stopped exactly once. The kinds differ
 * only in their source (controller/stream-source.ts).
 * Bounded: a client has at most `maxStreams` open, and a stream holds at most `maxPending`
 * items while its source is still opening (past that it ends rather than grow).
 */
import { randomUUID } from 'node:crypto'
import type { PanelEvent, StreamItem, StreamKind, StreamOpen } from '../../shared/contract'
import type { OpenedStream, StreamSink, StreamSources } from '../controller/stream-source'

/** An open this client may not make (an id it already uses, one stream too many): its request is at fault. */
export class StreamRefused extends Error {
  override name = 'StreamRefused'
  constructor(
    message: string,
    readonly hint: string
  ) {
    super(message)
  }
}

export interface ClientStreamLimits {
  /** Default 64: far above what a window shows at once, low enough that a runaway loop stops. */
  maxStreams?: number
  /** Default 10 000 (a log tail's maximum): items a stream may gather while its source opens. */
  maxPending?: number
}

/** The reason a stream's end gives when its client closed it. */
const CLOSED_BY_CLIENT = 'closed'

type StreamState = 'opening' | 'live' | 'ended'

interface ClientStream {
  kind: StreamKind
  state: StreamState
  /** Pushed while opening, sent after the initial items. */
  pending: unknown[]
  /** The source ended while opening: sent once the initial items are out. */
  pendingEnd: string | null
  stop: (() => void) | null
}

export class ClientStreams {
  private readonly streams = new Map<string, ClientStream>()
  private readonly maxStreams: number
  private readonly maxPending: number
  private gone = false

  constructor(
    private readonly sources: StreamSources,
    private readonly send: (event: PanelEvent) => void,
    limits: ClientStreamLimits = {}
  ) {
    this.maxStreams = limits.maxStreams ?? 64
    this.maxPending = limits.maxPending ?? 10_000
  }

  /** Opens a stream; its id is registered before the source opens, so a close that races the opening still stops it. */
  async open(request: StreamOpen): Promise<{ streamId: string }> {
    const streamId = request.streamId ?? randomUUID()
    if (this.streams.has(streamId)) {
      throw new StreamRefused(
        `This client already has a stream with id ${streamId}.`,
        'Close that stream first, or open this one under another id.'
      )
    }
    if (this.streams.size >= this.maxStreams) {
      throw new StreamRefused(
        `This client has ${this.maxStreams} streams open, the most it may have.`,
        'Close the streams it no longer shows (streamClose) before opening more.'
      )
    }
    const stream: ClientStream = {
      kind: request.kind,
      state: this.gone ? 'ended' : 'opening',
      pending: [],
      pendingEnd: null,
      stop: null
    }
    if (!this.gone) this.streams.set(streamId, stream)
    const sink: StreamSink<unknown> = {
      push: (items) => {
        if (stream.state === 'live') this.data(streamId, stream, items)
        else if (stream.state === 'opening' && stream.pendingEnd === null) {
          stream.pending.push(...items)
          if (stream.pending.length > this.maxPending) {
            stream.pending = []
            stream.pendingEnd = `The stream had more than ${this.maxPending} items before it was open; open it again.`
          }
        }
      },
      end: (reason) => {
        if (stream.state === 'live') this.end(streamId, stream, reason, true)
        else if (stream.state === 'opening') stream.pendingEnd ??= reason
      }
    }
    let opened: OpenedStream<unknown>
    try {
      opened = await this.openSource(request, sink)
    } catch (err) {
      if (this.streams.get(streamId) === stream) this.streams.delete(streamId)
      stream.state = 'ended'
      throw err
    }
    stream.stop = opened.stop
    // Closed (or its client gone) while opening: the end was said then; only the source is left.
    if (stream.state === 'ended') {
      opened.stop()
      return { streamId }
    }
    stream.state = 'live'
    const first = [...opened.initial, ...stream.pending]
    stream.pending = []
    // Always sent, empty or not: a client's first event of a stream is its state when it opened.
    this.data(streamId, stream, first)
    if (stream.pendingEnd !== null) this.end(streamId, stream, stream.pendingEnd, true)
    return { streamId }
  }

  /** The client closes one of its streams; false when it has none open by that id. */
  close(streamId: string): boolean {
    const stream = this.streams.get(streamId)
    if (stream === undefined) return false
    this.end(streamId, stream, CLOSED_BY_CLIENT, true)
    return true
  }

  /** The client went: every stream ends without a word (nobody is listening), and none opens any more. */
  closeAll(): void {
    this.gone = true
    for (const [streamId, stream] of [...this.streams]) this.end(streamId, stream, 'the client went', false)
  }

  /** The ids of the streams open now. */
  ids(): string[] {
    return [...this.streams.keys()]
  }

  private openSource(request: StreamOpen, sink: StreamSink<unknown>): Promise<OpenedStream<unknown>> {
    // The contract pairs each kind with its params and items; the map of sources keeps that pairing.
    const source = this.sources[request.kind] as (
      params: unknown,
      sink: StreamSink<unknown>,
      options: { resume: boolean }
    ) => Promise<OpenedStream<unknown>>
    return source(request.params, sink, { resume: request.resume })
  }

  private data(streamId: string, stream: ClientStream, items: unknown[]): void {
    this.send({
      event: 'streamData',
      payload: { streamId, kind: stream.kind, items: items as StreamItem<StreamKind>[] }
    } as PanelEvent)
  }

  private end(streamId: string, stream: ClientStream, reason: string, notify: boolean): void {
    if (stream.state === 'ended') return
    stream.state = 'ended'
    stream.pending = []
    if (this.streams.get(streamId) === stream) this.streams.delete(streamId)
    stream.stop?.()
    if (notify) this.send({ event: 'streamEnd', payload: { streamId, reason } })
  }
}
