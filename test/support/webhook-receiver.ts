/**
 * A webhook receiver on loopback for the alert tests: records every delivery (path, headers,
 * body, the status it answered, when) and answers what the test's `answer` says.
 */
import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Delivery {
  path: string
  headers: IncomingHttpHeaders
  body: string
  status: number
  at: number
}

export interface Answer {
  status: number
  headers?: Record<string, string>
}

export interface WebhookReceiver {
  /** "http://127.0.0.1:<port>" */
  origin: string
  received: Delivery[]
  close(): Promise<void>
}

export async function startWebhookReceiver(
  answer: (path: string) => Answer = () => ({ status: 204 })
): Promise<WebhookReceiver> {
  const received: Delivery[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = req.url ?? ''
      const { status, headers = {} } = answer(path)
      received.push({
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status,
        at: Date.now()
      })
      res.writeHead(status, headers).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}
