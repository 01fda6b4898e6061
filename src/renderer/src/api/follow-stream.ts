/**
 * One stream of any kind over a PanelApi, for a view: opens it under an id picked here (so
 * its first items, which the server sends before its answer, are recognised), hands on its
 * items in order until it ends or is stopped, and closes it on stop. The web shell's client
 * opens it again after a reconnect (socket-panel-api.ts); a view does nothing for that.
 */
import type {
  PanelApi,
  PanelError,
  StreamItem,
  StreamKind,
  StreamOpenRequest,
  StreamParamsInput
} from '../../../shared/contract'

export interface StreamListener<K extends StreamKind> {
  /** Items in order; the first call carries the state when the stream (re)opened. */
  items: (items: StreamItem<K>[]) => void
  /** The stream ended (its source ended, or the connection closed): nothing more comes. */
  ended: (reason: string) => void
  /** It could not be opened: nothing comes. */
  failed: (error: PanelError) => void
}

let nextId = 1
const ID_PREFIX = `v${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

/** Opens the stream; the function returned closes it (and is a no-op once it ended). */
export function followStream<K extends StreamKind>(
  api: PanelApi,
  kind: K,
  params: StreamParamsInput<K>,
  listener: StreamListener<K>
): () => void {
  const streamId = `${ID_PREFIX}-${nextId++}`
  let done = false
  const finish = (): void => {
    done = true
    offData()
    offEnd()
  }
  const offData = api.on('streamData', (data) => {
    if (!done && data.streamId === streamId) listener.items(data.items as StreamItem<K>[])
  })
  const offEnd = api.on('streamEnd', (end) => {
    if (done || end.streamId !== streamId) return
    finish()
    listener.ended(end.reason)
  })
  // A generic K does not narrow the contract's union of kinds; the kind and its params do match.
  void api.invoke('streamOpen', { kind, params, streamId } as StreamOpenRequest).then((result) => {
    if (done || result.ok) return
    finish()
    listener.failed(result.error)
  })
  return () => {
    if (done) return
    finish()
    void api.invoke('streamClose', { streamId })
  }
}
