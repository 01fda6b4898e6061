import { describe, expect, it } from 'vitest'
import { SourceRefused, parseRetryAfter, retryAfterOf } from './refusal'

describe('refusals', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('5')).toBe(5000)
    expect(parseRetryAfter(' 120 ')).toBe(120_000)
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(30_000)
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:29:00 GMT'))).toBe(0)
    expect(parseRetryAfter('soon')).toBeNull()
    expect(parseRetryAfter(null)).toBeNull()
  })

  it('carries the wait in its message, read back by the coordinator', () => {
    const refused = new SourceRefused('http://b/jobs/1', 429, 5000)
    expect(refused.message).toBe('http://b/jobs/1 answered 429 (retry after 5000 ms): the host asks us to slow down')
    expect(retryAfterOf(refused.message)).toBe(5000)
    expect(retryAfterOf(new SourceRefused('http://b/jobs/1', 503, null).message)).toBeNull()
  })
})
