/**
 * CrawlClient over a connection that dies under a request, as a kept-alive one does when the
 * API's idle timeout closes it just as the client reuses it: a GET is sent once more on a new
 * connection and answered; a POST is not repeated. A real socket server on loopback whose
 * first connection takes the request and closes without an answer.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { ApiClientError } from '../../src/main/clients/api-client'
import { CrawlClient } from '../../src/main/clients/crawl-client'

let server: Server | null = null

afterEach(async () => {
  await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())))
  server = null
})

/** Closes the first `drop` connections once a request has arrived on them; answers the rest with `{"crawls":[]}`. */
async function flakyApi(drop: number): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = []
  let connections = 0
  server = createServer((socket: Socket) => {
    const index = connections++
    socket.once('data', (chunk: Buffer) => {
      requests.push(chunk.toString('latin1').split('\r\n')[0]!)
      if (index < drop) return void socket.destroy()
      const body = '{"crawls":[]}'
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`
      )
    })
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()))
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests }
}

describe('CrawlClient when the connection closes under a request', () => {
  it('sends a GET once more and returns its answer', async () => {
    const api = await flakyApi(1)
    const client = new CrawlClient({ baseUrl: api.url, timeoutMs: 5000 })
    await expect(client.list()).resolves.toEqual({ crawls: [] })
    expect(api.requests).toEqual(['GET /crawls HTTP/1.1', 'GET /crawls HTTP/1.1'])
  })

  it('gives up on a GET after one more try, with CrawlerUnavailable', async () => {
    const api = await flakyApi(2)
    const client = new CrawlClient({ baseUrl: api.url, timeoutMs: 5000 })
    const err = await client.list().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiClientError)
    expect(err).toMatchObject({ kind: 'CrawlerUnavailable' })
    expect(api.requests).toHaveLength(2)
  })

  it('does not repeat a POST', async () => {
    const api = await flakyApi(1)
    const client = new CrawlClient({ baseUrl: api.url, timeoutMs: 5000 })
    const err = await client.start({ source: { kind: 'ids', text: 'a1' } }).catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'CrawlerUnavailable' })
    expect(api.requests).toEqual(['POST /crawls HTTP/1.1'])
  })
})
