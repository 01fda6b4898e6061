import { describe, expect, it } from 'vitest'
import { createLocMatcher } from './loc-matcher'
import { CrawlSourceError } from './source-error'

describe('createLocMatcher', () => {
  const match = createLocMatcher('http://jobboard:8081/jobs/{id}')

  it('takes the id out of a loc the template produces, decoding percent-escapes', () => {
    expect(match('http://jobboard:8081/jobs/200397')).toEqual({ id: '200397' })
    expect(match('HTTP://JOBBOARD:8081/jobs/a.b_c-1')).toEqual({ id: 'a.b_c-1' })
    expect(match('http://jobboard:8081/jobs/%61bc')).toEqual({ id: 'abc' })
  })

  it('says why a loc gives no id', () => {
    expect(match('http://other:8081/jobs/1')).toEqual({
      reason: 'does not match the listing URL template http://jobboard:8081/jobs/<id>'
    })
    expect(match('http://jobboard:8081/about')).toEqual({ reason: expect.stringContaining('does not match') })
    expect(match('http://jobboard:8081/jobs/')).toEqual({ reason: expect.stringContaining('does not match') })
    expect(match('/jobs/1')).toEqual({ reason: 'not an absolute URL' })
    expect(match('http://jobboard:8081/jobs/1/apply')).toEqual({
      reason: expect.stringMatching(/id part "1\/apply" is not a listing id: .*contains "\/"/)
    })
    expect(match('http://jobboard:8081/jobs/%E0%A4%A')).toEqual({
      reason: expect.stringContaining('malformed percent-encoding')
    })
  })

  it('honours text after the placeholder', () => {
    const html = createLocMatcher('https://board.example/job-{id}.html')
    expect(html('https://board.example/job-42.html')).toEqual({ id: '42' })
    expect(html('https://board.example/job-42')).toEqual({ reason: expect.stringContaining('does not match') })
  })

  it('compares only path and query when told to ignore the origin', () => {
    const board = createLocMatcher('http://jobboard:8081/jobs/{id}', { matchOrigin: false })
    expect(board('http://127.0.0.1:8081/jobs/7')).toEqual({ id: '7' })
    expect(board('http://127.0.0.1:8081/other/7')).toEqual({ reason: expect.stringContaining('does not match') })
  })

  it('refuses a template without the placeholder or not http(s)', () => {
    expect(() => createLocMatcher('http://jobboard:8081/jobs/')).toThrow(CrawlSourceError)
    expect(() => createLocMatcher('ftp://jobboard/{id}')).toThrow(/http or https/)
  })
})
