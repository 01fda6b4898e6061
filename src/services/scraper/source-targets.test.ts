import { describe, expect, it } from 'vitest'
import type { AnnouncedSource } from '../../shared/source'
import { SourceTargets } from './source-targets'

const DEFAULT_TEMPLATE = 'http://127.0.0.1:8081/jobs/{id}'
const registry =
  (...sources: AnnouncedSource[]) =>
  () =>
    new Map(sources.map((s) => [s.name, s]))

describe('the sources a scraper may fetch from', () => {
  it('knows only the default source, at its env template, until a registry is announced', () => {
    const targets = new SourceTargets(DEFAULT_TEMPLATE)
    expect(targets.templateOf('jobboard')).toBe(DEFAULT_TEMPLATE)
    expect(() => targets.templateOf('other')).toThrow(
      'Unknown source "other": no coordinator has announced the registered sources lately; only "jobboard" is known without one'
    )
  })

  it('takes templates from the announced registry, and refuses unknown, paused and template-less sources', () => {
    const targets = new SourceTargets(
      DEFAULT_TEMPLATE,
      registry(
        { name: 'jobboard', listingUrlTemplate: 'http://board:8081/jobs/{id}', paused: false },
        { name: 'b', listingUrlTemplate: 'https://b.example/p/{id}', paused: false },
        { name: 'quiet', listingUrlTemplate: 'https://q.example/{id}', paused: true },
        { name: 'maps', listingUrlTemplate: null, paused: false }
      )
    )
    expect(targets.templateOf('jobboard')).toBe('http://board:8081/jobs/{id}')
    expect(targets.templateOf('b')).toBe('https://b.example/p/{id}')
    expect(() => targets.templateOf('nope')).toThrow(
      expect.objectContaining({
        name: 'UnknownSource',
        message: 'Unknown source "nope": no source of that name is registered'
      })
    )
    expect(() => targets.templateOf('quiet')).toThrow(
      expect.objectContaining({
        name: 'SourcePaused',
        message: 'The source "quiet" is paused; nothing of it is fetched until it is resumed'
      })
    )
    expect(() => targets.templateOf('maps')).toThrow(expect.objectContaining({ name: 'UnknownSource' }))
    expect(() => targets.templateOf('http://evil.example/{id}')).toThrow(
      expect.objectContaining({ name: 'UnknownSource' })
    )
    expect(() => targets.templateOf(7)).toThrow(expect.objectContaining({ name: 'UnknownSource' }))
  })
})
