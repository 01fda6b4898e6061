import { describe, expect, it } from 'vitest'
import { parseCli, UsageError } from './cli-args'
import { formatChangesPage } from './change-format'

describe('deck crawl changes', () => {
  it('asks for one page of the report, one kind with --kind, and refuses an unknown kind', () => {
    expect(parseCli(['crawl', 'changes', 'c-1', '--kind', 'changed', '--json'])).toEqual({
      operation: 'crawlChanges',
      request: { id: 'c-1', limit: 500, kind: 'changed' },
      json: true
    })
    expect(parseCli(['crawl', 'changes', 'c-1'])).toEqual({
      operation: 'crawlChanges',
      request: { id: 'c-1', limit: 500 },
      json: false
    })
    expect(() => parseCli(['crawl', 'changes', 'c-1', '--kind', 'moved'])).toThrow(UsageError)
  })

  it('prints the counts, a line per listing and each changed field old → new', () => {
    const text = formatChangesPage({
      counts: { new: 1, changed: 1, unchanged: 7, gone: 1, failed: 0 },
      changes: [
        {
          source: 'jobboard',
          listingId: '200123',
          kind: 'changed',
          title: 'Data Engineer',
          company: 'Acme',
          fields: [{ field: 'salary', old: '60,000 EUR a year', new: '66,000 EUR a year' }],
          reason: null
        },
        {
          source: 'board-02',
          listingId: '7',
          kind: 'gone',
          title: null,
          company: null,
          fields: [],
          reason: 'no longer in the sitemap'
        }
      ],
      nextCursor: null
    })
    expect(text.split('\n')).toEqual([
      '1 new, 1 changed, 7 unchanged, 1 gone, 0 failed',
      'changed   200123           Data Engineer · Acme',
      '          salary: 60,000 EUR a year → 66,000 EUR a year',
      'gone      board-02:7         (no longer in the sitemap)'
    ])
  })
})
