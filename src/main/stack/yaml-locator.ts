/** Finds the line of a key path in a parsed YAML document, for error messages. */
import { isMap, isPair, isScalar, isSeq } from 'yaml'
import type { Document, LineCounter, Node } from 'yaml'

export interface Position {
  line: number
  column: number
}

/**
 * The position of the deepest node along `path` that exists (a missing key points at its
 * parent); with `childKey`, the position of that key inside the node at `path`.
 */
export function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly (string | number)[],
  childKey?: string
): Position | null {
  let node: unknown = doc.contents
  let offset: number | null = rangeStart(node)
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg))
      if (pair === undefined) break
      offset = rangeStart(pair.key) ?? offset
      node = pair.value
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg]
      if (item === undefined) break
      offset = rangeStart(item) ?? offset
      node = item
    } else break
  }
  if (childKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === childKey)
    if (pair !== undefined) offset = rangeStart(pair.key) ?? offset
  }
  if (offset === null) return null
  const pos = lines.linePos(offset)
  return { line: pos.line, column: pos.col }
}

function rangeStart(node: unknown): number | null {
  const range = (node as Node | null | undefined)?.range
  return range === undefined || range === null ? null : range[0]
}
