/**
 * A linear pre-scan of a JSON-LD block: nesting depth and items per array, checked before
 * the block is parsed or repaired (the repairer recurses per level, and the normalizer works
 * per item). It reads strings loosely — broken blocks are the norm — so it can only misjudge
 * a block that is itself broken.
 */
import { PAGE_LIMITS, TooComplex } from './page-limits'

export function checkJson(text: string): void {
  /** Per open container: -1 for an object, else the commas seen so far in the array. */
  const open: number[] = []
  let inString = false
  for (let at = 0; at < text.length; at++) {
    const char = text[at]
    if (inString) {
      if (char === '\\') at++
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') inString = true
    else if (char === '{' || char === '[') {
      if (open.push(char === '[' ? 0 : -1) > PAGE_LIMITS.maxJsonDepth) {
        throw new TooComplex(`a JSON-LD block nests more than ${PAGE_LIMITS.maxJsonDepth} levels deep`)
      }
    } else if (char === '}' || char === ']') open.pop()
    else if (char === ',' && (open[open.length - 1] ?? -1) >= 0) {
      const commas = (open[open.length - 1] as number) + 1
      if (commas >= PAGE_LIMITS.maxJsonItems)
        throw new TooComplex(`a JSON-LD array has more than ${PAGE_LIMITS.maxJsonItems} items`)
      open[open.length - 1] = commas
    }
  }
}
