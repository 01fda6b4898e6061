import { describe, expect, it } from 'vitest'
import { parseCliArgs } from './cli-args'

describe('parseCliArgs', () => {
  it('parses target, args and kwargs', () => {
    expect(parseCliArgs(['svc.m', '[1,"a"]', '{"k":2}'])).toEqual({
      service: 'svc',
      method: 'm',
      args: [1, 'a'],
      kwargs: { k: 2 }
    })
    expect(parseCliArgs(['svc.m'])).toEqual({ service: 'svc', method: 'm', args: [], kwargs: {} })
  })

  it('rejects bad usage with a reason', () => {
    expect(parseCliArgs([])).toHaveProperty('error')
    expect(parseCliArgs(['svc'])).toHaveProperty('error')
    expect(parseCliArgs(['svc.m', '{"a":1}'])).toEqual({ error: 'args must be a JSON array' })
    expect(parseCliArgs(['svc.m', '[1', '{}'])).toHaveProperty('error')
    expect(parseCliArgs(['svc.m', '[]', '[]'])).toEqual({ error: 'kwargs must be a JSON object' })
    expect(parseCliArgs(['svc.m', '[]', '{}', 'x'])).toHaveProperty('error')
  })
})
