import { describe, expect, it } from 'vitest'
import { UsageError, parseCli } from './cli-args'

describe('deck search save|list|show|deliveries|remove', () => {
  it('makes a saved search from the options, repeatable --skill', () => {
    expect(
      parseCli([
        'search',
        'save',
        'rust-berlin',
        '--q',
        'rust engineer',
        '--source',
        'jobboard',
        '--location',
        'Berlin',
        '--min-salary',
        '60000',
        '--skill',
        'rust',
        '--skill',
        'go',
        '--webhook',
        'https://hooks.example.com/x'
      ])
    ).toMatchObject({
      operation: 'savedSearchAdd',
      request: {
        name: 'rust-berlin',
        query: { q: 'rust engineer', source: 'jobboard', location: 'Berlin', minSalary: 60000, skills: ['rust', 'go'] },
        webhook: 'https://hooks.example.com/x'
      }
    })
  })

  it('shows with the secret only when asked, lists deliveries, removes', () => {
    expect(parseCli(['search', 'show', 'a'])).toMatchObject({
      operation: 'savedSearchGet',
      request: { name: 'a', reveal: false }
    })
    expect(parseCli(['search', 'show', 'a', '--reveal'])).toMatchObject({ request: { reveal: true } })
    expect(parseCli(['search', 'deliveries', 'a'])).toMatchObject({ operation: 'savedSearchDeliveries' })
    expect(parseCli(['search', 'remove', 'a'])).toMatchObject({ operation: 'savedSearchRemove' })
    expect(parseCli(['search', 'list'])).toMatchObject({ operation: 'savedSearchList' })
  })

  it('keeps any other words a full-text search, and refuses a bad option', () => {
    expect(parseCli(['search', 'rust', 'berlin'])).toMatchObject({
      operation: 'search',
      request: { query: 'rust berlin' }
    })
    expect(() => parseCli(['search', 'save', 'a', '--min-salary', 'lots'])).toThrow(UsageError)
    expect(() => parseCli(['search', 'list', '--reveal'])).toThrow(/does not take --reveal/)
  })
})
