/**
 * Requests a client got wrong are the client's error: a 400, and one log line without a
 * stack — a stream of them must not flood the log with traces.
 */
import { connect } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startApi } from '../../src/services/api/server'
import type { RunningApi } from '../../src/services/api/server'
import { ES_URL, makeListing, uniqueIndex } from '../listings/fixtures'
import { capturingLogger } from './api-client'

const log = capturingLogger()
let api: RunningApi

beforeAll(async () => {
  api = await startApi({
    port: 0,
    elasticsearchUrl: ES_URL,
    index: uniqueIndex('badreq'),
    scrape: async (id) => makeListing(id),
    logger: log.logger
  })
})

afterAll(async () => {
  await api?.listings.repository.deleteIndex()
  await api?.close()
})

/** Sends one raw request; the whole answer as text. */
function raw(requestLine: string): Promise<string> {
  const { hostname, port } = new URL(api.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let answer = ''
    socket.on('data', (chunk) => (answer += chunk.toString()))
    socket.on('close', () => resolve(answer))
    socket.on('error', reject)
    socket.write(`${requestLine}\r\nHost: api\r\nConnection: close\r\n\r\n`)
  })
}

it.each(['GET //[ HTTP/1.1', 'GET http://a:b@[ HTTP/1.1', 'GET //x:99999/ HTTP/1.1', 'BLAH', 'GET /a b HTTP/1.1'])(
  '%s → 400 and one client-error log line, no stack',
  async (requestLine) => {
    const before = log.entries.length
    const answer = await raw(requestLine)
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    const entries = log.entries.slice(before)
    expect(entries, JSON.stringify(entries)).toHaveLength(1)
    expect(entries[0]?.level).not.toBe('error')
    expect(JSON.stringify(entries[0])).not.toMatch(/\\n\s+at /)
  }
)

it('names the problem in the body when the request got as far as the API', async () => {
  const answer = await raw('GET //[ HTTP/1.1')
  expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
    error: { kind: 'BadRequest', hint: expect.any(String) }
  })
  expect(log.entries.at(-1)).toMatchObject({
    msg: 'request',
    fields: { status: 400, errorKind: 'BadRequest', path: '"//["' }
  })
})
