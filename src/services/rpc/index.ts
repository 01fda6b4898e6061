/** Nameko-compatible AMQP RPC: client, server, their errors and the service shape. */
export { RpcClient } from './client'
export type { RpcClientOptions } from './client'
export { callIdempotent } from './idempotent-call'
export { RpcServer } from './server'
export type { RpcServerOptions } from './server'
export * from './errors'
export type * from './types'
