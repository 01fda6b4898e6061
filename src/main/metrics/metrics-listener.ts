/**
 * The panel's /metrics on a port of its own (DECK_PROMETHEUS_PORT), bound to 127.0.0.1 only and
 * off unless set. A listener apart from the web shell because the desktop app has no web shell,
 * and because Prometheus would otherwise need the web shell's token, which opens every panel
 * operation: this one answers GET /metrics and nothing else, read-only counts of the fleet.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import { METRICS_PATH, sendMetrics } from '../../services/metrics/metrics-response'

export interface MetricsListener {
  url: string
  close(): Promise<void>
}

export function listenForMetrics(registry: Registry, port: number): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (req.method !== 'GET' || path !== METRICS_PATH) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(`Only GET ${METRICS_PATH} is served here.\n`)
      return
    }
    void sendMetrics(registry, res)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      const address = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${address.port}${METRICS_PATH}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
}
