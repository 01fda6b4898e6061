import { describe, expect, it } from 'vitest'
import { LITERAL_MARK, defuseKombuTags } from './kombu-safe'

describe('defuseKombuTags', () => {
  it('marks objects that kombu would decode as tagged values, at any depth', () => {
    const posting = {
      title: 'x',
      identifier: { __type__: 'uuid', __value__: 'abc' },
      list: [{ __value__: 1, __type__: 'decimal' }]
    }
    expect(defuseKombuTags(posting)).toEqual({
      title: 'x',
      identifier: { __type__: 'uuid', __value__: 'abc', [LITERAL_MARK]: true },
      list: [{ __value__: 1, __type__: 'decimal', [LITERAL_MARK]: true }]
    })
  })

  it('leaves every other value as it is', () => {
    const posting = { a: { __type__: 'x' }, b: { __type__: 'x', __value__: 1, c: 2 }, n: null, s: 'str', k: [1, 'two'] }
    expect(defuseKombuTags(posting)).toEqual(posting)
  })
})
