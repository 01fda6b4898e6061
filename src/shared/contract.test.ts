import { describe, expect, it } from 'vitest'
import { isOperationName, operationResultSchema, parseRequest } from './contract'

describe('contract', () => {
  it('fills defaults and accepts a valid request', () => {
    const r = parseRequest('logs', { service: 'scraper' })
    expect(r).toEqual({ ok: true, value: { service: 'scraper', tail: 200 } })
  })

  it('a stream open is checked against its kind: the params get that kind’s defaults, a bad one is named by its path', () => {
    expect(parseRequest('streamOpen', { kind: 'logs', params: { service: 'api' }, streamId: 'v1' })).toEqual({
      ok: true,
      value: { kind: 'logs', params: { service: 'api', tail: 200 }, streamId: 'v1', resume: false }
    })
    expect(parseRequest('streamOpen', { kind: 'stats', params: {} })).toEqual({
      ok: true,
      value: { kind: 'stats', params: {}, resume: false }
    })
    const noParams = parseRequest('streamOpen', { kind: 'stats' })
    expect(!noParams.ok && noParams.error.message).toMatch(/^Invalid streamOpen request: params: .*expected record/)
    const crawl = parseRequest('streamOpen', { kind: 'crawl', params: { id: '../etc' } })
    expect(!crawl.ok && crawl.error.message).toMatch(/^Invalid streamOpen request: params\.id:/)
    // The params of one kind are not accepted for another.
    expect(parseRequest('streamOpen', { kind: 'crawl', params: { service: 'api' } }).ok).toBe(false)
    expect(parseRequest('streamOpen', { kind: 'logs', params: {}, extra: 1 }).ok).toBe(false)
  })

  it('names the operation and the field of an invalid request', () => {
    const r = parseRequest('scale', { service: 'scraper', replicas: -1 })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.kind).toBe('InvalidRequest')
      expect(r.error.message).toMatch(/^Invalid scale request: replicas:/)
    }
  })

  it("says a replica count over the limit in the panel's words, not the schema library's", () => {
    const r = parseRequest('scale', { service: 'scraper', replicas: 500 })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.message).toBe(
        "Invalid scale request: replicas: at most 32 replicas of one service (the panel's limit)"
      )
      expect(r.error.message).not.toMatch(/Too big|expected number/)
    }
  })

  it('rejects unknown keys and unknown operations', () => {
    expect(parseRequest('status', { extra: 1 }).ok).toBe(false)
    expect(isOperationName('status')).toBe(true)
    expect(isOperationName('toString')).toBe(false)
  })

  it('an error result survives a JSON round trip (what IPC and WebSocket do)', () => {
    const result = { ok: false, error: { kind: 'EngineUnavailable', message: 'No engine', hint: 'Start dockerd' } }
    const back = operationResultSchema('status').parse(JSON.parse(JSON.stringify(result)))
    expect(back).toEqual(result)
  })

  it("crawl operations fill the crawl contract's defaults and refuse a bad crawl id", () => {
    expect(parseRequest('crawlStart', { source: { kind: 'board' } })).toEqual({
      ok: true,
      value: { source: { kind: 'board' }, refresh: false, maxAttempts: 3 }
    })
    expect(parseRequest('crawlItems', { id: 'c-1', state: 'failed' })).toEqual({
      ok: true,
      value: { id: 'c-1', state: 'failed', limit: 100 }
    })
    const bad = parseRequest('crawlGet', { id: '../etc' })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error.message).toMatch(/^Invalid crawlGet request: id:/)
    expect(parseRequest('crawlExportUrl', { id: 'c-1', format: 'xml' }).ok).toBe(false)
  })
})
