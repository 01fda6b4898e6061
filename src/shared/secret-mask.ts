/**
 * The one masking function for everything the panel shows (its `config`, streamed container
 * logs, error messages, events): a URI's password (`amqp://user:***@host`), a Basic
 * authorization value, and every known secret value wherever it appears (the stack's
 * generated passwords, raw or percent-encoded). Applied where frames leave the panel
 * (src/main/session/panel-session.ts), so no path to a client can skip it.
 */

export const MASK = '***'

// scheme://user:password@ — the password is whatever runs to the last "@" before the host.
const URI_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]*:)[^\s/"'<>]*@/gi
// A Basic value: base64 of 8+ characters with a digit, + or / in it (so "basic configuration" stays).
const BASIC_AUTH = /\b(basic\s+)(?=[A-Za-z]*[0-9+/])[A-Za-z0-9+/]{8,}={0,2}/gi

/** A masker for these secrets (empty ones ignored); it always masks URI passwords and Basic values. */
export function secretMasker(secrets: readonly string[] = []): (text: string) => string {
  const values = [...new Set(secrets.flatMap((s) => (s === '' ? [] : [s, encodeURIComponent(s)])))].sort(
    (a, b) => b.length - a.length
  )
  return (text) => {
    let out = text.replace(URI_PASSWORD, `$1${MASK}@`).replace(BASIC_AUTH, `$1${MASK}`)
    for (const value of values) out = out.split(value).join(MASK)
    return out
  }
}

/** Every string inside a JSON-like value, masked; the rest as it was (a copy only where something changed). */
export function maskDeep<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === 'string') return mask(value) as T
  if (Array.isArray(value)) {
    let changed = false
    const out = value.map((item) => {
      const masked = maskDeep(item, mask)
      if (masked !== item) changed = true
      return masked
    })
    return (changed ? out : value) as T
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      const masked = maskDeep(item, mask)
      if (masked !== item) changed = true
      out[key] = masked
    }
    return (changed ? out : value) as T
  }
  return value
}
