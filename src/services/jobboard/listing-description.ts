/**
 * A listing's description as blocks (paragraphs, headings, lists, code), generated from
 * the listing's own random stream, and rendered to the HTML and plain-text forms that
 * boards put in their pages and in JSON-LD.
 */
import { BENEFITS, CODE_SNIPPETS, INTRO_SENTENCES, REQUIREMENTS, RESPONSIBILITIES } from './catalog-data.js'
import { escapeHtml } from './html-escape.js'
import type { SeededRandom } from './seeded-random.js'

export type DescriptionBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'code'; text: string }

export interface DescriptionFacts {
  company: string
  title: string
  skills: readonly string[]
  workplace: 'onsite' | 'hybrid' | 'remote'
  /** For an on-site or hybrid job: where. */
  location: string
  /** For a remote job: where the applicant must live, or null for anywhere. */
  remoteArea: string | null
}

export function generateDescription(random: SeededRandom, facts: DescriptionFacts): DescriptionBlock[] {
  const [skill = 'software', skill2 = skill] = facts.skills
  const blocks: DescriptionBlock[] = [
    { kind: 'paragraph', text: `${facts.company} is hiring a ${facts.title}. ${random.pick(INTRO_SENTENCES)}` }
  ]
  if (facts.workplace === 'remote') {
    const where =
      facts.remoteArea === null || facts.remoteArea === 'Worldwide'
        ? 'from anywhere'
        : `from anywhere in ${facts.remoteArea}`
    blocks.push({ kind: 'paragraph', text: `This role is fully remote: work ${where}.` })
  }
  if (facts.workplace === 'hybrid') {
    blocks.push({
      kind: 'paragraph',
      text: `This is a hybrid role: ${random.int(1, 3)} days a week in our office in ${facts.location}.`
    })
  }
  blocks.push({ kind: 'heading', text: 'What you will do' })
  blocks.push({ kind: 'list', items: random.sample(RESPONSIBILITIES, random.int(3, 5)) })
  blocks.push({ kind: 'heading', text: 'What we are looking for' })
  const requirements = random
    .sample(REQUIREMENTS, random.int(2, 4))
    .map((line) => line.replace('{skill}', skill).replace('{skill2}', skill2))
  blocks.push({ kind: 'list', items: requirements })
  if (random.chance(0.15)) {
    blocks.push({ kind: 'paragraph', text: 'A taste of the code you will read on day one:' })
    blocks.push({ kind: 'code', text: random.pick(CODE_SNIPPETS) })
  }
  if (random.chance(0.6)) {
    blocks.push({ kind: 'heading', text: 'What we offer' })
    blocks.push({ kind: 'list', items: random.sample(BENEFITS, random.int(2, 4)) })
  }
  return blocks
}

export function descriptionToHtml(blocks: readonly DescriptionBlock[]): string {
  return blocks
    .map((block) => {
      switch (block.kind) {
        case 'paragraph':
          return `<p>${escapeHtml(block.text)}</p>`
        case 'heading':
          return `<h3>${escapeHtml(block.text)}</h3>`
        case 'list':
          return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`
        case 'code':
          return `<pre><code>${escapeHtml(block.text)}</code></pre>`
      }
    })
    .join('\n')
}

/** Plain text the way boards without HTML descriptions write it: blank lines between blocks, "• " list items. */
export function descriptionToText(blocks: readonly DescriptionBlock[]): string {
  return blocks
    .map((block) => (block.kind === 'list' ? block.items.map((item) => `• ${item}`).join('\n') : block.text))
    .join('\n\n')
}
