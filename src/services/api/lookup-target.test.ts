/** Which targets skip the URL parser: only those it would leave as they are. */
import { describe, expect, it } from 'vitest'
import { plainLookupId } from './lookup-target'

describe('plainLookupId', () => {
  it('takes the id of a plain lookup', () => {
    expect(plainLookupId('/joblisting/job-1.a_B')).toBe('job-1.a_B')
    expect(plainLookupId(`/joblisting/${'x'.repeat(64)}`)).toBe('x'.repeat(64))
  })

  it.each([
    ['a query', '/joblisting/job-1?refresh=1'],
    ['a percent-escape', '/joblisting/a%2Fb'],
    ['a dot segment', '/joblisting/..'],
    ['the current-directory segment', '/joblisting/.'],
    ['an id too long', `/joblisting/${'x'.repeat(65)}`],
    ['no id', '/joblisting/'],
    ['a deeper path', '/joblisting/a/b'],
    ['a fragment', '/joblisting/a#b'],
    ['another route', '/joblistings'],
    ['an absolute-form target', 'http://api/joblisting/a'],
    ['no target', undefined]
  ])('leaves %s to the URL parser', (_what, target) => {
    expect(plainLookupId(target)).toBeNull()
  })

  it('gives for every plain target the path the URL parser gives', () => {
    for (const target of ['/joblisting/job-1', '/joblisting/...', '/joblisting/-_.', '/joblisting/a.b']) {
      expect(plainLookupId(target), target).not.toBeNull()
      expect(new URL(target, 'http://api.invalid').pathname).toBe(target)
    }
  })
})
