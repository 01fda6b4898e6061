/** The CLI's text for a crawl's change report: its counts, then one line per listing, a changed one's fields below it. */
import { fieldDiffText } from '../../shared/crawl-changes'
import type { CrawlChange, CrawlChangeCounts, CrawlChangesPage } from '../../shared/crawl-changes'

export function formatChangeCounts(c: CrawlChangeCounts): string {
  return `${c.new} new, ${c.changed} changed, ${c.unchanged} unchanged, ${c.gone} gone, ${c.failed} failed`
}

function formatChange(change: CrawlChange): string[] {
  const id = change.source === 'jobboard' ? change.listingId : `${change.source}:${change.listingId}`
  const what = [change.title, change.company].filter((part) => part !== null).join(' · ')
  const head = `${change.kind.padEnd(9)} ${id.padEnd(16)} ${what}${change.reason === null ? '' : `  (${change.reason})`}`
  return [head.trimEnd(), ...change.fields.map((f) => `          ${fieldDiffText([f])}`)]
}

export function formatChangesPage(page: CrawlChangesPage): string {
  const lines = [formatChangeCounts(page.counts)]
  if (page.changes.length === 0) lines.push('no listings of this kind')
  for (const change of page.changes) lines.push(...formatChange(change))
  if (page.nextCursor !== null) lines.push(`(the first ${page.changes.length}; --json and the API page the rest)`)
  return lines.join('\n')
}
