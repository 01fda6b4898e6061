/**
 * A small seeded PRNG (mulberry32) so the job board's catalog, latency and failures are
 * the same on every run for the same seed. Math.random would make pages, benchmarks and
 * fault tests irreproducible.
 */

export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  /** True with the given probability. */
  chance(probability: number): boolean
  pick<T>(items: readonly T[]): T
  /** `count` distinct items, in a random order. */
  sample<T>(items: readonly T[], count: number): T[]
}

/** FNV-1a over the parts, so (seed, "listing", 17) and (seed, "latency", 17) give unrelated streams. */
export function hashSeed(...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5
  const text = parts.join('\u0000')
  // By code point, as `for…of` would go, without its per-character strings (the catalog hashes once per listing).
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) ?? 0
    if (code > 0xffff) i++
    hash ^= code
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('Cannot pick from an empty list')
    return items[int(0, items.length - 1)] as T
  }
  const sample = <T>(items: readonly T[], count: number): T[] => {
    const pool = [...items]
    for (let i = pool.length - 1; i > 0; i--) {
      const j = int(0, i)
      ;[pool[i], pool[j]] = [pool[j] as T, pool[i] as T]
    }
    return pool.slice(0, Math.min(count, pool.length))
  }
  return { next, int, chance: (p) => next() < p, pick, sample }
}
