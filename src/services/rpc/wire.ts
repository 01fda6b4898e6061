/**
 * Nameko's RPC wire format: names, message properties and the JSON bodies of requests and
 * replies. Pure functions, no I/O. "Point N" is a point of docs/nameko-rpc-protocol.md.
 */
import type { Options } from 'amqplib'
import { rpcQueueName } from '../../shared/rpc-names'

export const DEFAULT_EXCHANGE = 'nameko-rpc'
export const CONTENT_TYPE = 'application/json'
const CONTENT_ENCODING = 'utf-8'

/** Exchange flags kombu uses; any other flags get a 406 from the broker. */
export const EXCHANGE_OPTIONS: Options.AssertExchange = { durable: true, autoDelete: false, internal: false }

/** The shared service queue: durable, not exclusive, no arguments (point 2 of the doc). */
export const SERVICE_QUEUE_OPTIONS: Options.AssertQueue = { durable: true, exclusive: false, autoDelete: false }

export function serviceQueueName(service: string): string {
  return rpcQueueName(service)
}

export function serviceBindingKey(service: string): string {
  return `${service}.*`
}

export function requestRoutingKey(service: string, method: string): string {
  return `${service}.${method}`
}

/** The method named by a request's routing key: the text after the last dot (Nameko does the same). */
export function methodFromRoutingKey(routingKey: string): string {
  return routingKey.slice(routingKey.lastIndexOf('.') + 1)
}

export interface RequestBody {
  args: unknown[]
  kwargs: Record<string, unknown>
}

/** Nameko's error object in a reply (point 4 of the doc). */
export interface WireError {
  exc_type: string
  exc_path: string | null
  exc_args: unknown[]
  value: string
}

export function encodeRequest(args: unknown[], kwargs: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify({ args, kwargs }))
}

export function requestProperties(
  correlationId: string,
  replyTo: string,
  headers: Record<string, unknown>
): Options.Publish {
  return {
    contentType: CONTENT_TYPE,
    contentEncoding: CONTENT_ENCODING,
    deliveryMode: 2,
    priority: 0,
    correlationId,
    replyTo,
    headers,
    mandatory: true
  }
}

export function replyProperties(correlationId: string | undefined, contentType: string): Options.Publish {
  return {
    contentType,
    contentEncoding: CONTENT_ENCODING,
    deliveryMode: 2,
    priority: 0,
    correlationId,
    headers: {}
  }
}

/** Why an incoming request cannot be run; `kind` decides whether it can still get a reply. */
export type RequestProblem = { kind: 'content-type'; message: string } | { kind: 'malformed'; message: string }

/**
 * Decodes a request body. kombu accepts exactly `application/json` (point 3); anything
 * else is refused the way kombu would refuse it, but we still answer so the caller does not hang.
 */
export function decodeRequest(contentType: string | undefined, content: Buffer): RequestBody | RequestProblem {
  if (contentType !== CONTENT_TYPE) {
    return {
      kind: 'content-type',
      message: `Refusing to deserialize untrusted content of type ${contentType ?? '(none)'}`
    }
  }
  let body: unknown
  try {
    body = JSON.parse(content.toString('utf8'))
  } catch (err) {
    return { kind: 'malformed', message: `Message body is not valid JSON: ${(err as Error).message}` }
  }
  if (!isPlainObject(body) || !Array.isArray(body['args']) || !isPlainObject(body['kwargs'])) {
    return { kind: 'malformed', message: 'Message missing `args` or `kwargs`' }
  }
  return { args: body['args'], kwargs: body['kwargs'] }
}

export function isRequestProblem(value: RequestBody | RequestProblem): value is RequestProblem {
  return 'kind' in value
}

export function encodeSuccessReply(serializedResult: string): Buffer {
  return Buffer.from(`{"result":${serializedResult},"error":null}`)
}

export function encodeErrorReply(error: WireError): Buffer {
  return Buffer.from(JSON.stringify({ result: null, error }))
}

/**
 * Serializes a handler's result, or returns null when JSON cannot represent it (BigInt,
 * cycles, a throwing toJSON). `undefined` (a handler that returns nothing) becomes Python's None.
 */
export function serializeResult(result: unknown): string | null {
  try {
    return JSON.stringify(result) ?? 'null'
  } catch {
    return null
  }
}

export type DecodedReply =
  { ok: true; result: unknown } | { ok: false; error: WireError } | { ok: 'malformed'; message: string }

/** Decodes a reply body: any falsy `error` is success and then `result` must be present (point 4). */
export function decodeReply(content: Buffer): DecodedReply {
  const text = content.toString('utf8')
  let body: unknown
  try {
    // kombu >= 5.3 wraps datetimes, decimals etc. as {"__type__", "__value__"}; the check
    // keeps the (slow) reviver off the common path.
    body = text.includes('"__type__"') ? JSON.parse(text, unwrapKombuTypes) : JSON.parse(text)
  } catch (err) {
    return { ok: 'malformed', message: `Reply body is not valid JSON: ${(err as Error).message}` }
  }
  if (!isPlainObject(body)) return { ok: 'malformed', message: 'Reply body is not an object' }
  const error = body['error']
  if (!error) {
    if (!('result' in body)) return { ok: 'malformed', message: 'Reply has neither `result` nor `error`' }
    return { ok: true, result: body['result'] }
  }
  return { ok: false, error: normalizeWireError(error) }
}

/** Takes an error object from a peer at its word where it can, and fills in what is missing. */
function normalizeWireError(error: unknown): WireError {
  if (!isPlainObject(error))
    return { exc_type: 'RemoteError', exc_path: null, exc_args: [String(error)], value: String(error) }
  const excArgs = Array.isArray(error['exc_args']) ? error['exc_args'] : []
  const value = typeof error['value'] === 'string' ? error['value'] : excArgs.map(String).join(', ')
  return {
    exc_type: typeof error['exc_type'] === 'string' ? error['exc_type'] : 'RemoteError',
    exc_path: typeof error['exc_path'] === 'string' ? error['exc_path'] : null,
    exc_args: excArgs,
    value
  }
}

const KOMBU_STRING_TYPES = new Set(['datetime', 'date', 'time', 'decimal', 'uuid', 'bytes', 'base64'])

/** Turns kombu >= 5.3's tagged values back into the plain strings kombu < 5.3 sends. */
function unwrapKombuTypes(_key: string, value: unknown): unknown {
  if (!isPlainObject(value)) return value
  const keys = Object.keys(value)
  if (keys.length !== 2 || !('__type__' in value) || !('__value__' in value)) return value
  const type = value['__type__']
  return typeof type === 'string' && KOMBU_STRING_TYPES.has(type) ? value['__value__'] : value
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
