import { describe, expect, it } from 'vitest'
import { signBody, verifySignature } from './webhook-signature'

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the raw body', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(signBody('what do ya want for nothing?', 'Jefe')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'
    )
  })

  it('verifies only the same body under the same secret', () => {
    const body = '{"event":"matches","listings":[]}'
    const header = signBody(body, 'secret-1')
    expect(verifySignature(body, 'secret-1', header)).toBe(true)
    expect(verifySignature(body, 'secret-2', header)).toBe(false)
    expect(verifySignature(`${body} `, 'secret-1', header)).toBe(false)
    expect(verifySignature(body, 'secret-1', 'sha256=00')).toBe(false)
    expect(verifySignature(body, 'secret-1', undefined)).toBe(false)
  })
})
