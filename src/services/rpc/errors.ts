/**
 * Errors of the Nameko-compatible RPC layer. A caller tells them apart with `instanceof`.
 * The local ones are named by their error kind (src/shared/error-kinds.ts), so the name they
 * travel under once they cross the bus (errorToWire) means the same everywhere. The
 * RemoteError family keeps Nameko's names, which Python callers rely on.
 */

/** The remote side raised: carries Nameko's error fields as they came over the wire. */
export class RemoteError extends Error {
  override name = 'RemoteError'
  constructor(
    readonly excType: string,
    readonly excPath: string | null,
    readonly value: string,
    readonly excArgs: unknown[] = []
  ) {
    super(`${excType} ${value}`)
  }
}

/** The service has no such method (Nameko's `nameko.exceptions.MethodNotFound`). */
export class MethodNotFound extends RemoteError {
  override name = 'MethodNotFound'
}

/** Wrong arity or unknown keyword (Nameko's `nameko.exceptions.IncorrectSignature`). */
export class IncorrectSignature extends RemoteError {
  override name = 'IncorrectSignature'
}

/** Body without `args` or `kwargs` (Nameko's `nameko.exceptions.MalformedRequest`). */
export class MalformedRequest extends RemoteError {
  override name = 'MalformedRequest'
}

/** No queue is bound for the service: nobody has ever declared `rpc-<service>`. */
export class UnknownService extends Error {
  override name = 'RpcUnknownService'
  constructor(readonly service: string) {
    super(`Unknown service \`${service}\``)
  }
}

/**
 * The service's queue exists but no replica consumes it: a request sent now would only wait
 * there (and run whenever a replica starts), so a caller that can say so at once does.
 */
export class NoConsumer extends Error {
  override name = 'NoConsumer'
  constructor(readonly service: string) {
    super(`No replica of \`${service}\` is consuming its queue`)
  }
}

/** No reply within the per-call timeout. The request may still run later (Nameko keeps it queued). */
export class RpcTimeout extends Error {
  override name = 'RpcTimeout'
  constructor(
    readonly service: string,
    readonly method: string,
    readonly timeoutMs: number
  ) {
    super(`No reply from ${service}.${method} within ${timeoutMs} ms`)
  }
}

/** The broker connection is down (or dropped while the call was in flight). */
export class BrokerUnavailable extends Error {
  override name = 'BrokerUnavailable'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}
