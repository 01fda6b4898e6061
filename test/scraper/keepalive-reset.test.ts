/**
 * A kept-alive connection that the source resets just as it is reused (its idle timeout
 * raced our request) costs one retry on a fresh connection, not a SourceUnavailable; a
 * source that resets every time is still given up on, after exactly one retry.
 */
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scrapeListing } from '../../src/services/scraper/scrape-listing'

const PAGE = '<script type="application/ld+json">{"@type":"JobPosting","title":"Kept alive"}</script>'
const RESPONSE = `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(PAGE)}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\n${PAGE}`

let server: Server
let origin: string
/** Requests seen, and on which connection (1-based) each came. */
const requests: { path: string; connection: number }[] = []
const sockets = new Set<Socket>()

beforeAll(async () => {
  let connections = 0
  server = createServer((socket) => {
    const connection = ++connections
    let onThisSocket = 0
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('data', (chunk) => {
      const path = /^GET (\S+)/.exec(chunk.toString())?.[1] ?? '?'
      requests.push({ path, connection })
      onThisSocket++
      // /always-reset resets every request; the others answer the first request on a
      // connection and reset the second, as a server whose keep-alive timer just fired.
      if (path.startsWith('/always-reset') || onThisSocket > 1) socket.resetAndDestroy()
      else socket.write(RESPONSE)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => server.close(resolve))
})

describe('a reset kept-alive connection', () => {
  it('is retried once on a new connection', async () => {
    const options = { sourceUrlTemplate: `${origin}/jobs/{id}`, timeoutMs: 5000 }
    await expect(scrapeListing('first', options)).resolves.toMatchObject({ title: 'Kept alive' })
    // The second GET reuses the idle connection, which the source resets.
    await expect(scrapeListing('second', options)).resolves.toMatchObject({ title: 'Kept alive' })
    const second = requests.filter((r) => r.path === '/jobs/second')
    expect(second).toHaveLength(2)
    expect(second[0]?.connection).not.toBe(second[1]?.connection)
  })

  it('is not retried twice: a source that resets every request is SourceUnavailable', async () => {
    await expect(
      scrapeListing('x', { sourceUrlTemplate: `${origin}/always-reset/{id}`, timeoutMs: 5000 })
    ).rejects.toMatchObject({
      name: 'SourceUnavailable',
      message: expect.stringMatching(/ECONNRESET|other side closed|socket/i)
    })
    expect(requests.filter((r) => r.path === '/always-reset/x')).toHaveLength(2)
  })
})
