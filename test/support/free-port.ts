import { createServer } from 'node:net'

/**
 * A loopback port nothing listens on right now (we release it at once): the OS picks it, or,
 * with TEST_PORT_RANGE=25000-25099 (on a shared machine, the range someone was given), the
 * first free one of the range not handed out before by this process.
 */
export async function freePort(): Promise<number> {
  const range = process.env['TEST_PORT_RANGE']
  if (range === undefined || range === '') return listenAndRelease(0)
  const match = /^(\d+)-(\d+)$/.exec(range)
  if (match === null) throw new Error(`TEST_PORT_RANGE must be FIRST-LAST, e.g. 25000-25099; got "${range}"`)
  for (let port = Number(match[1]); port <= Number(match[2]); port++) {
    if (handedOut.has(port)) continue
    handedOut.add(port)
    if (
      await listenAndRelease(port).then(
        () => true,
        () => false
      )
    )
      return port
  }
  throw new Error(`no free port left in TEST_PORT_RANGE ${range}`)
}

const handedOut = new Set<number>()

function listenAndRelease(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no free port'))
      )
    })
  })
}
