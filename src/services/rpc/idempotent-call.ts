/**
 * A call to a method that is safe to run twice (a lookup), made to ride out a broker
 * restart: when the connection is down, or drops with the call in flight, it waits for the
 * client to reconnect and sends the request again — all within one deadline, so a caller
 * still gets its answer (or an RpcTimeout) in the time it asked for, never a stream of
 * BrokerUnavailable while the broker comes back. Only for idempotent methods: a request
 * lost with the connection may still have run.
 */
import type { RpcClient } from './client'
import { BrokerUnavailable } from './errors'

export async function callIdempotent<T = unknown>(
  client: RpcClient,
  service: string,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown> = {},
  timeoutMs: number = client.defaultTimeoutMs
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await client.call<T>(service, method, args, kwargs, { timeoutMs: Math.max(1, deadline - Date.now()) })
    } catch (err) {
      if (!(err instanceof BrokerUnavailable)) throw err
      const left = deadline - Date.now()
      if (left <= 0 || !(await client.whenConnected(left))) throw err
    }
  }
}
