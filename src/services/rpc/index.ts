/** Nameko-compatible AMQP RPC: client, server, their errors and the service shape. */
export { RpcClient } from './client'
export { RpcServer } from './server'
export * from './errors'
export type * from './types'
