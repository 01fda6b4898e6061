/** The webhook signature: `sha256=` and the hex HMAC-SHA256 of the raw body under the saved search's secret. */
import { createHmac, timingSafeEqual } from 'node:crypto'

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`
}

/** What a receiver does (docs/alerts.md): constant-time compare of the header against its own signature. */
export function verifySignature(body: string, secret: string, header: string | undefined): boolean {
  if (header === undefined) return false
  const expected = Buffer.from(signBody(body, secret))
  const given = Buffer.from(header)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
