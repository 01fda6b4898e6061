/**
 * Errors to and from Nameko's wire error object (docs/nameko-rpc-protocol.md, points 4 and 5).
 */
import { inspect } from 'node:util'
import { isErrorKind } from '../../shared/error-kinds'
import { IncorrectSignature, MalformedRequest, MethodNotFound, RemoteError } from './errors'
import type { WireError } from './wire'

const NAMEKO_PATHS = {
  MethodNotFound: 'nameko.exceptions.MethodNotFound',
  IncorrectSignature: 'nameko.exceptions.IncorrectSignature',
  MalformedRequest: 'nameko.exceptions.MalformedRequest',
  UnserializableValueError: 'nameko.exceptions.UnserializableValueError',
  RemoteError: 'nameko.exceptions.RemoteError',
  ContentDisallowed: 'kombu.exceptions.ContentDisallowed'
} as const

/** The only three exc_paths a Nameko client turns back into their own classes. */
const REGISTERED: Record<string, typeof MethodNotFound> = {
  [NAMEKO_PATHS.MethodNotFound]: MethodNotFound,
  [NAMEKO_PATHS.IncorrectSignature]: IncorrectSignature,
  [NAMEKO_PATHS.MalformedRequest]: MalformedRequest
}

/** The error a caller sees for an error reply. */
export function errorFromWire(error: WireError): RemoteError {
  const Registered = error.exc_path === null ? undefined : REGISTERED[error.exc_path]
  const ErrorClass = Registered ?? RemoteError
  return new ErrorClass(error.exc_type, error.exc_path, error.value, error.exc_args)
}

/**
 * The wire form of an error thrown by a handler. A RemoteError from a nested call travels
 * on as Nameko's own RemoteError does (its text becomes the value); the three registered
 * subclasses keep their Nameko identity so a Python caller gets the real class.
 */
export function errorToWire(thrown: unknown): WireError {
  if (thrown instanceof RemoteError) {
    if (thrown.excPath !== null && REGISTERED[thrown.excPath] !== undefined) {
      return {
        exc_type: thrown.excType,
        exc_path: thrown.excPath,
        exc_args: safeArgs(thrown.excArgs),
        value: thrown.value
      }
    }
    return {
      exc_type: 'RemoteError',
      exc_path: NAMEKO_PATHS.RemoteError,
      exc_args: [thrown.message],
      value: thrown.message
    }
  }
  if (thrown instanceof Error) {
    const excPath = (thrown as { excPath?: unknown }).excPath
    const excType = wireName(thrown)
    return {
      exc_type: excType,
      exc_path: typeof excPath === 'string' ? excPath : `scrapedeck.${excType}`,
      exc_args: [thrown.message],
      value: thrown.message
    }
  }
  // `throw "text"` and friends: no name to go by.
  const text = typeof thrown === 'string' ? thrown : inspect(thrown)
  return { exc_type: 'Error', exc_path: 'scrapedeck.Error', exc_args: [text], value: text }
}

/**
 * An error that carries an error kind (a CrawlError's `kind`) travels under it, so the caller
 * maps it as the thrower meant (src/shared/error-kinds.ts); any other under its name.
 */
function wireName(thrown: Error): string {
  const kind = (thrown as { kind?: unknown }).kind
  return isErrorKind(kind) ? kind : thrown.name
}

export function methodNotFoundWire(method: string): WireError {
  return { exc_type: 'MethodNotFound', exc_path: NAMEKO_PATHS.MethodNotFound, exc_args: [method], value: method }
}

export function incorrectSignatureWire(message: string): WireError {
  return {
    exc_type: 'IncorrectSignature',
    exc_path: NAMEKO_PATHS.IncorrectSignature,
    exc_args: [message],
    value: message
  }
}

export function malformedRequestWire(message: string): WireError {
  return { exc_type: 'MalformedRequest', exc_path: NAMEKO_PATHS.MalformedRequest, exc_args: [message], value: message }
}

export function contentDisallowedWire(message: string): WireError {
  return {
    exc_type: 'ContentDisallowed',
    exc_path: NAMEKO_PATHS.ContentDisallowed,
    exc_args: [message],
    value: message
  }
}

export function unserializableWire(result: unknown): WireError {
  const repr = inspect(result, { depth: 2, breakLength: Infinity, maxArrayLength: 10, maxStringLength: 200 })
  return {
    exc_type: 'UnserializableValueError',
    exc_path: NAMEKO_PATHS.UnserializableValueError,
    exc_args: [],
    value: `Unserializable value: \`${repr}\``
  }
}

/**
 * Nameko's "safe" exc_args: strings kept, objects converted recursively, lists kept, anything
 * else stringified, so a Python peer never has to decode something odd.
 */
export function safeArgs(args: readonly unknown[]): unknown[] {
  return args.map(safeValue)
}

function safeValue(value: unknown): unknown {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.map(safeValue)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, safeValue(v)]))
  }
  return String(value)
}
