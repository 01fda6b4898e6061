import { describe, expect, it } from 'vitest'
import { bindArguments } from './signature'
import type { RpcMethod } from './types'

const hello: RpcMethod = { params: ['name'], handler: () => null }
const search: RpcMethod = { params: ['query', 'page', 'size'], required: 1, handler: () => null }
const three: RpcMethod = { params: ['a', 'b', 'c'], handler: () => null }

describe('bindArguments', () => {
  it('binds positional arguments', () => {
    expect(bindArguments('hello', hello, ['Mike'], {})).toEqual({ ok: true, args: ['Mike'] })
  })

  it('maps kwargs onto declared parameter names', () => {
    expect(bindArguments('hello', hello, [], { name: 'Mike' })).toEqual({ ok: true, args: ['Mike'] })
    expect(bindArguments('search', search, ['q'], { size: 5 })).toEqual({ ok: true, args: ['q', undefined, 5] })
  })

  it('leaves unfilled optional parameters out so JS defaults apply', () => {
    expect(bindArguments('search', search, ['q'], {})).toEqual({ ok: true, args: ['q'] })
  })

  it('reports missing required arguments in Python wording', () => {
    expect(bindArguments('hello', hello, [], {})).toEqual({
      ok: false,
      message: "hello() missing 1 required positional argument: 'name'"
    })
    expect(bindArguments('f', three, ['x'], {})).toEqual({
      ok: false,
      message: "f() missing 2 required positional arguments: 'b' and 'c'"
    })
    expect(bindArguments('f', three, [], {})).toEqual({
      ok: false,
      message: "f() missing 3 required positional arguments: 'a', 'b', and 'c'"
    })
  })

  it('reports too many positional arguments', () => {
    expect(bindArguments('hello', hello, ['a', 'b'], {})).toEqual({
      ok: false,
      message: 'hello() takes 1 positional argument but 2 were given'
    })
    expect(bindArguments('search', search, [1, 2, 3, 4], {})).toEqual({
      ok: false,
      message: 'search() takes from 1 to 3 positional arguments but 4 were given'
    })
  })

  it('reports unknown and duplicated keywords', () => {
    expect(bindArguments('hello', hello, [], { nme: 'x' })).toEqual({
      ok: false,
      message: "hello() got an unexpected keyword argument 'nme'"
    })
    expect(bindArguments('hello', hello, ['x'], { name: 'y' })).toEqual({
      ok: false,
      message: "hello() got multiple values for argument 'name'"
    })
  })

  it('does not treat inherited object keys as parameters', () => {
    expect(bindArguments('hello', hello, ['x'], JSON.parse('{"__proto__": 1}'))).toMatchObject({ ok: false })
  })
})
