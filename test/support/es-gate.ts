/**
 * An HTTP gate in front of the test Elasticsearch, for tests that need what the shared one
 * cannot do without disturbing others: it checks Basic credentials as an Elasticsearch with
 * security on does (401 without them), and it can be shut (an outage: connections cut,
 * port closed), made to hang (accepts, never answers) and opened again on the same port.
 * It records the Authorization header of every request it forwards.
 */
import { createServer, request } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { TEST_ES_URL } from './test-endpoints'

export interface EsGate {
  /** The gate's URL with the credentials in it, as ELASTICSEARCH_URL carries them. */
  url: string
  /** Authorization headers seen, per request path (the first 200 requests). */
  seen: { path: string; authorization: string | undefined }[]
  shut: () => Promise<void>
  open: () => Promise<void>
  /** From now on requests are accepted and never answered (until open()). */
  hang: () => void
  close: () => Promise<void>
}

export async function startEsGate(credentials: { user: string; password: string }): Promise<EsGate> {
  const upstream = new URL(TEST_ES_URL)
  const expected = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`
  const seen: EsGate['seen'] = []
  let hanging = false

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    if (seen.length < 200) seen.push({ path: req.url ?? '', authorization: req.headers.authorization })
    if (hanging) return
    if (req.headers.authorization !== expected) {
      const body = JSON.stringify({
        error: { type: 'security_exception', reason: 'missing authentication credentials for REST request' },
        status: 401
      })
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="security"' }).end(body)
      return
    }
    const { authorization: _authorization, ...headers } = req.headers
    const out = request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    out.once('error', () => res.destroy())
    req.pipe(out)
  }

  // Elasticsearch keeps an idle connection open; Node's server closes one after 5 s, and a
  // client reusing it just then reads "other side closed" (the cache marked unavailable).
  const gateServer = (): Server => Object.assign(createServer(forward), { keepAliveTimeout: 0 })
  let server: Server = gateServer()
  await listen(server, 0)
  const port = (server.address() as AddressInfo).port
  const shut = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }
  return {
    url: `http://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}`,
    seen,
    shut,
    async open() {
      hanging = false
      if (server.listening) return
      server = gateServer()
      await listen(server, port)
    },
    hang() {
      hanging = true
    },
    close: shut
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
}
