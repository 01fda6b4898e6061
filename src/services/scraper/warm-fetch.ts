/**
 * Runs one fetch against a throwaway loopback server, so the process's first real fetch does
 * not pay for loading and compiling the HTTP client (tens of ms): a fetch slot is checked
 * just before the fetch starts, and that cost would land between the check and the site.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { httpGet } from './http-get'

export async function warmFetch(): Promise<void> {
  const server = createServer((_, response) => response.end('ok'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const { port } = server.address() as AddressInfo
    const response = await httpGet(`http://127.0.0.1:${port}/`, { headers: {}, signal: AbortSignal.timeout(5000) })
    for await (const _ of response);
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
