import { describe, expect, it } from 'vitest'
import { MAX_RPC_PAYLOAD_BYTES, parseRequest } from '../../../shared/contract'
import { checkCall } from './call-form'
import type { CallFields } from './call-form'

const fields: CallFields = { service: 'greeter', method: 'hello', args: '', kwargs: '', timeoutSeconds: '30' }

describe('the console call form', () => {
  it('builds the request: empty args and kwargs are none, names trimmed, seconds to ms', () => {
    expect(checkCall({ ...fields, service: ' greeter ' })).toEqual({
      ok: true,
      request: { service: 'greeter', method: 'hello', args: [], kwargs: {}, timeoutMs: 30_000 }
    })
    expect(checkCall({ ...fields, args: '["Mike", 2]', kwargs: '{"loud": true}', timeoutSeconds: '1.5' })).toEqual({
      ok: true,
      request: { service: 'greeter', method: 'hello', args: ['Mike', 2], kwargs: { loud: true }, timeoutMs: 1500 }
    })
  })

  it('what it builds, the contract accepts', () => {
    const check = checkCall({ ...fields, args: '[{"a": [1, null]}]', kwargs: '{"x": "y"}' })
    if (!check.ok) throw new Error(JSON.stringify(check.problems))
    expect(parseRequest('rpcCall', check.request)).toEqual({ ok: true, value: check.request })
  })

  it('bad JSON: which field, where, and why', () => {
    const check = checkCall({ ...fields, args: '["a",\n  }', kwargs: '{a: 1}' })
    expect(check.ok).toBe(false)
    if (check.ok) return
    expect(check.problems.args).toMatch(/^args is not valid JSON: Unexpected token '}'$/)
    expect(check.problems.kwargs).toBe(
      "kwargs is not valid JSON (line 1, column 2): Expected property name or '}' in JSON at position 1"
    )
  })

  it('args must be an array and kwargs an object, and it says what they are instead', () => {
    expect(checkCall({ ...fields, args: '"Mike"', kwargs: '["Mike"]' })).toEqual({
      ok: false,
      problems: {
        args: 'args must be a JSON array of positional arguments, e.g. ["Mike"]; this is a string',
        kwargs: 'kwargs must be a JSON object of keyword arguments, e.g. {"name": "Mike"}; this is an array'
      }
    })
    expect(checkCall({ ...fields, args: '{}', kwargs: 'null' })).toMatchObject({
      ok: false,
      problems: { args: /this is an object$/, kwargs: /this is null$/ }
    })
  })

  it('names are required and bounded', () => {
    expect(checkCall({ ...fields, service: ' ', method: 'x'.repeat(201) })).toEqual({
      ok: false,
      problems: {
        service: 'Type a service name first.',
        method: 'A method name is at most 200 characters; this one is 201.'
      }
    })
  })

  it('the payload is bounded by the contract’s size, measured as the contract measures it', () => {
    const fits = 'x'.repeat(MAX_RPC_PAYLOAD_BYTES - JSON.stringify({ args: [''], kwargs: {} }).length)
    expect(checkCall({ ...fields, args: JSON.stringify([fits]) }).ok).toBe(true)
    const over = checkCall({ ...fields, args: JSON.stringify([`${fits}x`]) })
    expect(over).toEqual({
      ok: false,
      problems: { args: 'args and kwargs together are 64.0 KiB of JSON; a call takes at most 64.0 KiB' }
    })
    // The contract refuses the same request from a client that skipped the form.
    expect(parseRequest('rpcCall', { service: 'a', method: 'b', args: [`${fits}x`] })).toMatchObject({
      ok: false,
      error: { kind: 'InvalidRequest', message: /args: args and kwargs together/ }
    })
  })

  it('the timeout is seconds within the contract’s bounds', () => {
    for (const bad of ['', 'soon', '0', '-1', '601', 'Infinity']) {
      expect(checkCall({ ...fields, timeoutSeconds: bad })).toEqual({
        ok: false,
        problems: { timeoutSeconds: 'The timeout is a number of seconds from 0.001 to 600.' }
      })
    }
    expect(checkCall({ ...fields, timeoutSeconds: '600' })).toMatchObject({ ok: true, request: { timeoutMs: 600_000 } })
  })
})
