/**
 * Answers GET /metrics with a registry in Prometheus's text exposition format; shared by the
 * API and the panel's metrics listener.
 */
import type { ServerResponse } from 'node:http'
import type { Registry } from 'prom-client'

export const METRICS_PATH = '/metrics'

export async function sendMetrics(registry: Registry, res: ServerResponse): Promise<number> {
  try {
    const body = await registry.metrics()
    res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' })
    res.end(body)
    return 200
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end(`Could not collect the metrics: ${message}\n`)
    return 500
  }
}
