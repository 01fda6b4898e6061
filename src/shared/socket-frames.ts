/**
 * Frames of the web shell's WebSocket: the browser sends `invoke` frames, the server answers
 * each with a `result` frame carrying the same id, and pushes every contract event as an
 * `event` frame. A frame the server cannot match to an id is answered with `rejected`.
 */
import { z } from 'zod'
import type { EventName } from './contract'
import type { PanelError, Result } from './panel-error'

export const InvokeFrameSchema = z
  .object({
    type: z.literal('invoke'),
    id: z.number().int().nonnegative(),
    operation: z.string(),
    request: z.unknown()
  })
  .strict()

export type ServerFrame =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: EventName; payload: unknown }
  | { type: 'rejected'; error: PanelError }

/** The query parameter (and cookie) that carries the web shell's access token. */
export const TOKEN_PARAM = 'token'
/**
 * The cookie that carries the token, named per port: cookies ignore ports, so two web shells
 * on one host (127.0.0.1:7400 and :7401) would otherwise overwrite each other's token.
 */
export function tokenCookieName(port: number): string {
  return `scrapedeck_token_${port}`
}
/** Path of the WebSocket endpoint. */
export const SOCKET_PATH = '/ws'
