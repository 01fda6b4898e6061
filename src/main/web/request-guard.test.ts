import { describe, expect, it } from 'vitest'
import { checkRequest, isAllowedHost, isAllowedOrigin, tokenFromRequest, tokensEqual } from './request-guard'
import { tokenCookieName } from '../../shared/socket-frames'

const PORT = 7400
const TOKEN = 'abc123-token'
const url = (path: string): URL => new URL(path, 'http://127.0.0.1')

describe('isAllowedHost', () => {
  it('accepts loopback names on our port only', () => {
    expect(isAllowedHost('127.0.0.1:7400', PORT)).toBe(true)
    expect(isAllowedHost('localhost:7400', PORT)).toBe(true)
    expect(isAllowedHost('[::1]:7400', PORT)).toBe(true)
    expect(isAllowedHost('127.0.0.1:7401', PORT)).toBe(false)
    expect(isAllowedHost('127.0.0.1', PORT)).toBe(false) // port 80 implied
  })
  it('refuses other names that may resolve to loopback (DNS rebinding)', () => {
    expect(isAllowedHost('attacker.example:7400', PORT)).toBe(false)
    expect(isAllowedHost('127.0.0.1.nip.io:7400', PORT)).toBe(false)
    expect(isAllowedHost(undefined, PORT)).toBe(false)
  })
})

describe('isAllowedOrigin', () => {
  it('accepts our own origin or none, refuses others', () => {
    expect(isAllowedOrigin(undefined, PORT)).toBe(true)
    expect(isAllowedOrigin('http://127.0.0.1:7400', PORT)).toBe(true)
    expect(isAllowedOrigin('http://evil.example', PORT)).toBe(false)
    expect(isAllowedOrigin('https://127.0.0.1:7400', PORT)).toBe(false)
    expect(isAllowedOrigin('null', PORT)).toBe(false)
  })
})

describe('tokens', () => {
  it('reads the token from the query, a bearer header or the cookie', () => {
    expect(tokenFromRequest(url('/?token=q'), {}, PORT)).toBe('q')
    expect(tokenFromRequest(url('/'), { authorization: 'Bearer b' }, PORT)).toBe('b')
    expect(tokenFromRequest(url('/'), { cookie: `x=1; ${tokenCookieName(PORT)}=c%2Bd; y=2` }, PORT)).toBe('c+d')
    // Another web shell's cookie on the same host (cookies ignore ports) is not this one's token.
    expect(tokenFromRequest(url('/'), { cookie: `${tokenCookieName(PORT + 1)}=c%2Bd` }, PORT)).toBeNull()
    expect(tokenFromRequest(url('/'), {}, PORT)).toBeNull()
  })
  it('compares tokens of any length without throwing', () => {
    expect(tokensEqual(TOKEN, TOKEN)).toBe(true)
    expect(tokensEqual(TOKEN, 'short')).toBe(false)
    expect(tokensEqual(TOKEN, null)).toBe(false)
  })
})

describe('checkRequest', () => {
  const host = { host: '127.0.0.1:7400' }
  it('accepts a request with our host and token', () => {
    expect(checkRequest(url(`/?token=${TOKEN}`), host, PORT, TOKEN)).toEqual({ ok: true })
  })
  it('answers 401 without the right token and 403 for a foreign host or origin', () => {
    expect(checkRequest(url('/'), host, PORT, TOKEN)).toMatchObject({ ok: false, status: 401 })
    expect(checkRequest(url('/?token=wrong'), host, PORT, TOKEN)).toMatchObject({ ok: false, status: 401 })
    expect(checkRequest(url(`/?token=${TOKEN}`), { host: 'evil.example:7400' }, PORT, TOKEN)).toMatchObject({
      ok: false,
      status: 403
    })
    expect(
      checkRequest(url(`/?token=${TOKEN}`), { ...host, origin: 'http://evil.example' }, PORT, TOKEN)
    ).toMatchObject({ ok: false, status: 403 })
  })
})

describe('a malformed token cookie', () => {
  it('is no token (and does not throw)', () => {
    const url = new URL('http://127.0.0.1:7400/')
    expect(tokenFromRequest(url, { cookie: `${tokenCookieName(PORT)}=%E0%A4%A` }, PORT)).toBeNull()
  })
})
