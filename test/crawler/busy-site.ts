/**
 * A site in front of a board process that is busy for a while: for `forMs` from its first page
 * request it answers 503 with `Retry-After`, then it passes requests through to the board. It
 * records when each request arrived and how it was answered, the truth tests read (the board
 * itself has no 503 spell: its 503s are random faults).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

export interface BusySite {
  url: string
  /** Arrival time (performance.now() ms) and the status answered, in arrival order. */
  arrivals: { at: number; status: number }[]
  close(): Promise<void>
}

export async function startBusySite(
  boardUrl: string,
  spell: { forMs: number; retryAfterS: number }
): Promise<BusySite> {
  const arrivals: { at: number; status: number }[] = []
  let first: number | null = null
  const server = createServer((request, response) => {
    const at = performance.now()
    const page = /^\/jobs\//.test(request.url ?? '')
    if (page) first ??= at
    if (page && at - first! < spell.forMs) {
      arrivals.push({ at, status: 503 })
      response.writeHead(503, { 'retry-after': String(spell.retryAfterS), 'content-type': 'text/plain' })
      response.end('busy')
      return
    }
    fetch(`${boardUrl}${request.url ?? '/'}`, { redirect: 'manual' })
      .then(async (answer) => {
        if (page) arrivals.push({ at, status: answer.status })
        const body = Buffer.from(await answer.arrayBuffer())
        const contentType = answer.headers.get('content-type')
        response.writeHead(answer.status, contentType === null ? {} : { 'content-type': contentType })
        response.end(body)
      })
      .catch(() => {
        response.writeHead(502)
        response.end()
      })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
