/** Where the source reader sends its GET (credentials, path, host) and how it words a refusal. */
import { describe, expect, it } from 'vitest'
import { describeAnswer, sourceEndpoint } from './listing-source-reader'

describe('sourceEndpoint', () => {
  it('sends the URL credentials as Basic auth, decoded as the official client decodes them', () => {
    const endpoint = sourceEndpoint('http://elastic:p%40ss%3Aw0rd@127.0.0.1:9200', 'joblistings')
    expect(endpoint).toEqual({
      origin: 'http://127.0.0.1:9200',
      pathPrefix: '/joblistings/_source/',
      authorization: expect.any(String)
    })
    expect(endpoint.authorization).toBe(`Basic ${Buffer.from('elastic:p@ss:w0rd').toString('base64')}`)
  })

  it('sends no Authorization header when the URL names no user', () => {
    expect(sourceEndpoint('http://127.0.0.1:19200', 'test-x').authorization).toBeNull()
  })

  it('keeps a path prefix and IPv6 hosts, and leaves the credentials out of the origin', () => {
    expect(sourceEndpoint('https://u:p@[::1]:9243/es/', 'idx')).toMatchObject({
      origin: 'https://[::1]:9243',
      pathPrefix: '/es/idx/_source/'
    })
    expect(sourceEndpoint('http://localhost', 'a b')).toMatchObject({
      origin: 'http://localhost',
      pathPrefix: '/a%20b/_source/'
    })
  })

  it('refuses a URL that is not http(s)', () => {
    expect(() => sourceEndpoint('ftp://127.0.0.1:9200', 'idx')).toThrow(/http: or https:/)
  })
})

describe('describeAnswer', () => {
  it("gives Elasticsearch's own reason", () => {
    const body = Buffer.from(
      JSON.stringify({
        error: { root_cause: [], type: 'security_exception', reason: 'missing authentication credentials' },
        status: 401
      })
    )
    expect(describeAnswer(401, body)).toBe('Elasticsearch answered 401: missing authentication credentials')
  })

  it('falls back to the type, a string error, the text or nothing', () => {
    expect(describeAnswer(503, Buffer.from('{"error":{"type":"cluster_block_exception"}}'))).toBe(
      'Elasticsearch answered 503: cluster_block_exception'
    )
    expect(describeAnswer(500, Buffer.from('{"error":"boom"}'))).toBe('Elasticsearch answered 500: boom')
    expect(describeAnswer(502, Buffer.from('<html>Bad Gateway</html>'))).toBe(
      'Elasticsearch answered 502: <html>Bad Gateway</html>'
    )
    expect(describeAnswer(500, Buffer.alloc(0))).toBe('Elasticsearch answered 500: no body')
  })
})
