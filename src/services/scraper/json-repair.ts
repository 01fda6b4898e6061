/**
 * The last try at a JSON-LD block that is not valid JSON: jsonrepair fixes what real boards
 * ship — trailing commas, comments, raw line breaks and unescaped quotes in strings, single
 * quotes, Python's True/None, a block cut short — and turns values one per line into an
 * array. Values glued together with nothing between them (`}{`) are split onto lines first.
 */
import { jsonrepair } from 'jsonrepair'

/** The repaired value, or undefined when even a repaired block does not parse. */
export function repairJson(text: string): unknown {
  for (const attempt of [text, oneValuePerLine(text)]) {
    if (attempt === null) continue
    try {
      return JSON.parse(jsonrepair(attempt)) as unknown
    } catch {
      // not repairable this way
    }
  }
  return undefined
}

/** `{…}{…}` → `{…}\n{…}`, so jsonrepair reads it as a list; null when nothing is glued. */
function oneValuePerLine(text: string): string | null {
  const parts: string[] = []
  let depth = 0
  let inString = false
  let start = 0
  for (let at = 0; at < text.length; at++) {
    const char = text[at]
    if (inString) {
      if (char === '\\') at++
      else if (char === '"') inString = false
    } else if (char === '"') inString = true
    else if (char === '{' || char === '[') {
      if (depth === 0 && isWholeValue(text.slice(start, at))) {
        parts.push(text.slice(start, at))
        start = at
      }
      depth++
    } else if (char === '}' || char === ']') depth = Math.max(0, depth - 1)
  }
  if (parts.length === 0) return null
  parts.push(text.slice(start))
  return parts.join('\n')
}

/** Only objects and arrays are split apart: anything else before a `{` is not JSON-LD. */
function isWholeValue(part: string): boolean {
  const trimmed = part.trim()
  return /^[{[]/.test(trimmed) && /[}\]]$/.test(trimmed)
}
