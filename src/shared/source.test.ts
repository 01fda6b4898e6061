import { describe, expect, it } from 'vitest'
import {
  DEFAULT_SOURCE_NAME,
  SourceEditSchema,
  SourceSpecSchema,
  listingUrlTemplateProblem,
  sourceListingKey
} from './source'

const messageOf = (input: unknown): string | undefined => {
  const parsed = SourceSpecSchema.safeParse(input)
  return parsed.success ? undefined : parsed.error.issues[0]?.message
}

describe('source validation', () => {
  it('refuses a listing URL pattern that is not http(s)', () => {
    expect(messageOf({ name: 'a', listingUrlTemplate: 'ftp://board.example/jobs/{id}' })).toBe(
      'A listing URL template is an http(s) URL'
    )
    expect(messageOf({ name: 'a', listingUrlTemplate: 'javascript:alert({id})' })).toBe(
      'A listing URL template is an http(s) URL'
    )
  })

  it('refuses a template without {id}, with it twice, or in the fragment', () => {
    expect(messageOf({ name: 'a', listingUrlTemplate: 'https://board.example/jobs/' })).toBe(
      'A listing URL template contains {id}'
    )
    expect(listingUrlTemplateProblem('https://b.example/{id}/{id}')).toBe('A listing URL template contains {id} once')
    expect(listingUrlTemplateProblem('https://b.example/jobs#{id}')).toBe(
      'The {id} of a listing URL template cannot be in the URL fragment'
    )
    expect(listingUrlTemplateProblem('http://[bad/{id}')).toBe('A listing URL template is an absolute URL')
  })

  it('refuses a limit of 0 and a sitemap URL that is not http(s)', () => {
    const zero = SourceSpecSchema.safeParse({
      name: 'a',
      listingUrlTemplate: 'https://b.example/jobs/{id}',
      politeness: { maxInFlight: 0 }
    })
    expect(zero.success).toBe(false)
    expect(zero.error?.issues[0]).toMatchObject({
      path: ['politeness', 'maxInFlight'],
      message: 'At most N requests in flight: N is at least 1'
    })
    expect(messageOf({ name: 'a', sitemapUrls: ['file:///etc/passwd'] })).toBe('A URL here is an absolute http(s) URL')
  })

  it('refuses a source with neither a template nor a sitemap, and a bad name', () => {
    expect(messageOf({ name: 'a' })).toBe('A source needs a listing URL template or at least one sitemap URL')
    expect(messageOf({ name: 'Big Board', listingUrlTemplate: 'https://b.example/{id}' })).toBe(
      'A source name is 1–63 of lower-case letters, digits and "-", starting with a letter or digit'
    )
  })

  it('fills the politeness defaults and checks edits with the same rules', () => {
    const spec = SourceSpecSchema.parse({ name: 'b', listingUrlTemplate: 'https://b.example/jobs/{id}' })
    expect(spec.politeness).toEqual({
      maxInFlight: 2,
      minGapMs: 1000,
      respectRobots: true,
      autoThrottle: false,
      onBlocked: 'wait'
    })
    expect(SourceEditSchema.safeParse({ listingUrlTemplate: 'https://b.example/jobs' }).error?.issues[0]?.message).toBe(
      'A listing URL template contains {id}'
    )
  })

  it('keys a listing by source, the default source by its bare id', () => {
    expect(sourceListingKey(DEFAULT_SOURCE_NAME, '42')).toBe('42')
    expect(sourceListingKey(undefined, '42')).toBe('42')
    expect(sourceListingKey('other-board', '42')).toBe('other-board:42')
  })
})

describe('a source edit', () => {
  it('holds only the politeness fields given, so the others are kept', () => {
    expect(SourceEditSchema.parse({ politeness: { autoThrottle: true } })).toEqual({
      politeness: { autoThrottle: true }
    })
  })
})
