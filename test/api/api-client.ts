/** Small helpers for calling the API under test and capturing its request logs. */
import type { Logger } from '../../src/services/log'

export interface ApiAnswer<T = unknown> {
  status: number
  headers: Headers
  body: T
}

export async function get<T = unknown>(baseUrl: string, path: string): Promise<ApiAnswer<T>> {
  const res = await fetch(baseUrl + path)
  return { status: res.status, headers: res.headers, body: (await res.json()) as T }
}

export interface CapturedLog {
  level: string
  msg: string
  fields: Record<string, unknown>
}

export function capturingLogger(): { logger: Logger; entries: CapturedLog[] } {
  const entries: CapturedLog[] = []
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      entries.push({ level, msg, fields })
    }
  return { entries, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } }
}
