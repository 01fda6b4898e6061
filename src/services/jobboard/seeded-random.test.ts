import { describe, expect, it } from 'vitest'
import { createSeededRandom, hashSeed } from './seeded-random.js'

describe('createSeededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number): number[] => {
      const random = createSeededRandom(seed)
      return Array.from({ length: 20 }, () => random.next())
    }
    expect(draw(42)).toEqual(draw(42))
    expect(draw(42)).not.toEqual(draw(43))
  })

  it('keeps int() within its inclusive bounds and reaches both ends', () => {
    const random = createSeededRandom(7)
    const seen = new Set(Array.from({ length: 2000 }, () => random.int(3, 6)))
    expect([...seen].sort()).toEqual([3, 4, 5, 6])
  })

  it('samples distinct items and refuses to pick from nothing', () => {
    const random = createSeededRandom(1)
    const sample = random.sample(['a', 'b', 'c', 'd', 'e'], 3)
    expect(new Set(sample).size).toBe(3)
    expect(random.sample(['a'], 5)).toEqual(['a'])
    expect(() => random.pick([])).toThrow(/empty/)
  })
})

describe('hashSeed', () => {
  it('separates streams by every part', () => {
    expect(hashSeed(1, 'listing', 2)).toBe(hashSeed(1, 'listing', 2))
    expect(hashSeed(1, 'listing', 2)).not.toBe(hashSeed(1, 'fault', 2))
    expect(hashSeed(1, 'listing', 12)).not.toBe(hashSeed(11, 'listing', 2))
  })
})
