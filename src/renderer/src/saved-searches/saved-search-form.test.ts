import { describe, expect, it } from 'vitest'
import { savedSearchSpecOf } from './saved-search-form'

const values = {
  name: 'rust-berlin',
  q: ' rust ',
  skills: ['Rust'],
  location: ' Berlin ',
  minSalary: '60000',
  webhook: ''
}

describe('the save-this-search form', () => {
  it('makes the saved search of the words and skills on screen and the filters typed', () => {
    expect(savedSearchSpecOf(values)).toEqual({
      ok: true,
      request: {
        name: 'rust-berlin',
        query: { q: 'rust', location: 'Berlin', minSalary: 60000, skills: ['Rust'] },
        webhook: null
      }
    })
    expect(
      savedSearchSpecOf({ ...values, skills: [], location: '', minSalary: '', webhook: 'https://h.example/x' })
    ).toEqual({ ok: true, request: { name: 'rust-berlin', query: { q: 'rust' }, webhook: 'https://h.example/x' } })
  })

  it('names each problem beside its field', () => {
    expect(savedSearchSpecOf({ ...values, name: 'Rust Berlin', minSalary: 'lots', webhook: 'ftp://h/x' })).toEqual({
      ok: false,
      problems: {
        name: 'A saved search name is 1–64 of lower-case letters, digits and "-"',
        minSalary: '"lots" is not an amount (for example 60000)',
        webhook: 'A webhook URL is http or https, not ftp'
      }
    })
  })
})
