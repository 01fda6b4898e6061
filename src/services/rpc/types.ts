/**
 * The shape of a service that the Nameko-compatible RPC server hosts. Parameter names are
 * declared because Nameko callers may pass arguments by keyword, and because a call with the
 * wrong arity must be answered with Nameko's IncorrectSignature before the handler runs.
 */
export interface RpcMethod {
  /** Parameter names, in positional order. */
  params: readonly string[]
  /** How many of `params` (from the start) are required; defaults to all of them. */
  required?: number
  handler: (...args: unknown[]) => unknown
}

export interface RpcService {
  name: string
  methods: Record<string, RpcMethod>
}
