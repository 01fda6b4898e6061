/**
 * What the panel's live views are made of: one source per stream kind of the contract. A
 * source opens a stream for one client and pushes its items into the sink that client's
 * session gave it; the session (session/client-streams.ts) does the rest: the id, the order
 * of the first items, ending once, closing when the client asks or goes, the caps.
 */
import type { StreamItem, StreamKind, StreamParams } from '../../shared/contract'

export interface StreamSink<I> {
  /** Items for the client, in order (dropped once the stream has ended). */
  push(items: I[]): void
  /** The source ended by itself (container gone, crawl ended…); only the first end counts. */
  end(reason: string): void
}

export interface OpenedStream<I> {
  /** The state now (a log's tail, the crawl's detail, the recent readings): the client's first items. */
  initial: I[]
  /** Called once when the stream ends, whoever ended it; it must tolerate the source having ended itself. */
  stop(): void
}

export interface StreamOpenOptions {
  /** The client shows earlier items already (it reopens after a reconnect): no backlog in `initial`. */
  resume: boolean
}

/**
 * Opens one stream: throws (an error the session turns into the answer) when it cannot, and
 * then has nothing left open.
 */
export type StreamSource<K extends StreamKind> = (
  params: StreamParams<K>,
  sink: StreamSink<StreamItem<K>>,
  options: StreamOpenOptions
) => Promise<OpenedStream<StreamItem<K>>>

/** One source per kind: a kind added to the contract without a source does not compile. */
export type StreamSources = { [K in StreamKind]: StreamSource<K> }
