import { describe, expect, it } from 'vitest'
import {
  decodeReply,
  decodeRequest,
  encodeRequest,
  methodFromRoutingKey,
  requestProperties,
  serializeResult
} from './wire'

describe('request encoding', () => {
  it('always sends both args and kwargs', () => {
    expect(JSON.parse(encodeRequest([], {}).toString())).toEqual({ args: [], kwargs: {} })
  })

  it('uses the exact Nameko properties, reply_to being the routing key', () => {
    expect(requestProperties('c1', 'u1', { 'nameko.call_id_stack': ['x'] })).toEqual({
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      deliveryMode: 2,
      priority: 0,
      correlationId: 'c1',
      replyTo: 'u1',
      headers: { 'nameko.call_id_stack': ['x'] },
      mandatory: true
    })
  })

  it('takes the method from after the last dot', () => {
    expect(methodFromRoutingKey('hello_microservice.hello')).toBe('hello')
    expect(methodFromRoutingKey('svc.a.b')).toBe('b')
  })
})

describe('decodeRequest', () => {
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

  it('accepts a well-formed body', () => {
    expect(decodeRequest('application/json', json({ args: [1], kwargs: { a: 2 } }))).toEqual({
      args: [1],
      kwargs: { a: 2 }
    })
  })

  it('refuses any content type but exactly application/json', () => {
    expect(decodeRequest('application/json; charset=utf-8', json({ args: [], kwargs: {} }))).toMatchObject({
      kind: 'content-type'
    })
    expect(decodeRequest(undefined, json({ args: [], kwargs: {} }))).toMatchObject({ kind: 'content-type' })
  })

  it('reports bad JSON and missing or null args/kwargs as malformed', () => {
    expect(decodeRequest('application/json', Buffer.from('{nope'))).toMatchObject({ kind: 'malformed' })
    expect(decodeRequest('application/json', json({ args: [] }))).toEqual({
      kind: 'malformed',
      message: 'Message missing `args` or `kwargs`'
    })
    expect(decodeRequest('application/json', json({ args: null, kwargs: {} }))).toMatchObject({ kind: 'malformed' })
    expect(decodeRequest('application/json', json([1]))).toMatchObject({ kind: 'malformed' })
  })
})

describe('decodeReply', () => {
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

  it('treats any falsy error as success', () => {
    expect(decodeReply(json({ result: 'Hello, Mike!', error: null }))).toEqual({ ok: true, result: 'Hello, Mike!' })
    expect(decodeReply(json({ result: null }))).toEqual({ ok: true, result: null })
  })

  it('returns the error object', () => {
    const error = {
      exc_type: 'ValueError',
      exc_path: 'builtins.ValueError',
      exc_args: ['bad', '42'],
      value: "('bad', 42)"
    }
    expect(decodeReply(json({ result: null, error }))).toEqual({ ok: false, error })
  })

  it('flags replies without a result', () => {
    expect(decodeReply(json({ error: null }))).toMatchObject({ ok: 'malformed' })
    expect(decodeReply(Buffer.from('not json'))).toMatchObject({ ok: 'malformed' })
  })

  it('unwraps kombu >= 5.3 tagged values into plain strings', () => {
    const body = {
      result: {
        at: { __type__: 'datetime', __value__: '2024-01-02T03:04:05' },
        n: { __type__: 'decimal', __value__: '1.5' }
      },
      error: null
    }
    expect(decodeReply(json(body))).toEqual({ ok: true, result: { at: '2024-01-02T03:04:05', n: '1.5' } })
  })
})

describe('serializeResult', () => {
  it('serializes JSON values and turns undefined into null', () => {
    expect(serializeResult({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}')
    expect(serializeResult(undefined)).toBe('null')
  })

  it('returns null for what JSON cannot hold', () => {
    const cycle: Record<string, unknown> = {}
    cycle['self'] = cycle
    expect(serializeResult(cycle)).toBeNull()
    expect(serializeResult(10n)).toBeNull()
  })
})
