/**
 * The RPC console's part of the contract: the bounds of a call any client may send (the
 * console's form checks the same ones before sending) and what a listed service looks like.
 */
import { z } from 'zod'
import { QueueMetricsSchema } from './broker-metrics'

export const MAX_RPC_NAME_LENGTH = 200
/** args and kwargs together, as compact JSON in UTF-8: a console call, not a bulk transfer. */
export const MAX_RPC_PAYLOAD_BYTES = 64 * 1024

export const DEFAULT_RPC_TIMEOUT_MS = 30_000

export const RpcNameSchema = z.string().min(1).max(MAX_RPC_NAME_LENGTH)

/** Why a payload is too large to send, or null when it fits. */
export function rpcPayloadProblem(args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): string | null {
  const bytes = new TextEncoder().encode(JSON.stringify({ args, kwargs })).length
  if (bytes <= MAX_RPC_PAYLOAD_BYTES) return null
  return `args and kwargs together are ${formatKiB(bytes)} of JSON; a call takes at most ${formatKiB(MAX_RPC_PAYLOAD_BYTES)}`
}

function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`
}

/** A Nameko service on the bus: its `rpc-*` queue and who consumes it, as the broker counts them now. */
export const RpcServiceSchema = QueueMetricsSchema.pick({
  service: true,
  queue: true,
  consumers: true,
  ready: true,
  unacked: true
})
export type RpcService = z.infer<typeof RpcServiceSchema>

/** A text field's JSON, or what is wrong with it in words a person can act on. */
export type ParsedJson<T> = { ok: true; value: T } | { ok: false; problem: string }

/** Positional arguments: a JSON array; an empty field is no arguments. */
export function parseRpcArgs(text: string): ParsedJson<unknown[]> {
  const parsed = parseJsonField('args', text, [])
  if (!parsed.ok || Array.isArray(parsed.value)) return parsed as ParsedJson<unknown[]>
  return {
    ok: false,
    problem: `args must be a JSON array of positional arguments, e.g. ["Mike"]; this is ${jsonTypeOf(parsed.value)}`
  }
}

/** Keyword arguments: a JSON object; an empty field is none. */
export function parseRpcKwargs(text: string): ParsedJson<Record<string, unknown>> {
  const parsed = parseJsonField('kwargs', text, {})
  if (!parsed.ok) return parsed
  const value = parsed.value
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return { ok: true, value: value as Record<string, unknown> }
  return {
    ok: false,
    problem: `kwargs must be a JSON object of keyword arguments, e.g. {"name": "Mike"}; this is ${jsonTypeOf(value)}`
  }
}

function parseJsonField(field: string, text: string, empty: unknown): ParsedJson<unknown> {
  if (text.trim() === '') return { ok: true, value: empty }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (err) {
    // V8 quotes the whole text back ("…" is not valid JSON): the field shows it already, and it may be 64 KiB.
    // Newer V8 (Node 22+, Chromium 124+) also appends "(line L column C)", which where() says already.
    const reason = (err as Error).message
      .replace(/, ".*" is not valid JSON$/s, '')
      .replace(/ \(line \d+ column \d+\)$/, '')
    return { ok: false, problem: `${field} is not valid JSON${where(text, reason)}: ${reason}` }
  }
}

/** " (line 2, column 5)" from the parser's "position N", when it gives one. */
function where(text: string, message: string): string {
  const match = /position (\d+)/.exec(message)
  if (match === null) return ''
  const before = text.slice(0, Number(match[1]))
  const lines = before.split('\n')
  return ` (line ${lines.length}, column ${(lines.at(-1)?.length ?? 0) + 1})`
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
