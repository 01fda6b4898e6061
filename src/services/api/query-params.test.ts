import { describe, expect, it } from 'vitest'
import { parseRefresh, parseSearchParams } from './query-params'

describe('parseSearchParams', () => {
  it('reads q, repeated skills, company, location and paging', () => {
    const parsed = parseSearchParams(
      new URLSearchParams('q=rust&skill=Go&skill=SQL&company=Acme&location=Berlin&page=2&pageSize=5')
    )
    expect(parsed).toEqual({
      query: 'rust',
      options: { skills: ['Go', 'SQL'], company: 'Acme', location: 'Berlin', page: 2, pageSize: 5 }
    })
  })

  it('leaves out empty parameters', () => {
    expect(parseSearchParams(new URLSearchParams('q=&skill=&company='))).toEqual({ query: '', options: {} })
  })

  it('refuses non-numeric and zero pages', () => {
    expect(() => parseSearchParams(new URLSearchParams('page=0'))).toThrow(/positive integer/)
    expect(() => parseSearchParams(new URLSearchParams('pageSize=-1'))).toThrow(/positive integer/)
    expect(() => parseSearchParams(new URLSearchParams('page=1e3'))).toThrow(/positive integer/)
  })
})

describe('parseRefresh', () => {
  it('accepts 1/true/0/false/absent and refuses anything else', () => {
    expect(parseRefresh(new URLSearchParams('refresh=1'))).toBe(true)
    expect(parseRefresh(new URLSearchParams('refresh=true'))).toBe(true)
    expect(parseRefresh(new URLSearchParams('refresh=0'))).toBe(false)
    expect(parseRefresh(new URLSearchParams(''))).toBe(false)
    expect(() => parseRefresh(new URLSearchParams('refresh=yes'))).toThrow(/refresh must be/)
  })
})
