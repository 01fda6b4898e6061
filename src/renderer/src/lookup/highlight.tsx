import type { ReactNode } from 'react'

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
  '&#x2F;': '/'
}

function decode(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39|#x27|#x2F);/g, (entity) => ENTITIES[entity] ?? entity)
}

/**
 * A search highlight (escaped text with matches in `<em>…</em>`) as React nodes: the only
 * markup kept is the emphasis, so nothing from a listing page ever becomes HTML here.
 */
export function renderHighlight(fragment: string): ReactNode[] {
  const nodes: ReactNode[] = []
  let emphasised = false
  fragment.split(/(<em>|<\/em>)/).forEach((part, index) => {
    if (part === '<em>') emphasised = true
    else if (part === '</em>') emphasised = false
    else if (part !== '') nodes.push(emphasised ? <mark key={index}>{decode(part)}</mark> : decode(part))
  })
  return nodes
}
