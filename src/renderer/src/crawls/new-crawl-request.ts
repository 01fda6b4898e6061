/**
 * The New crawl form's values → a crawlStart request, checked against the crawl contract
 * before it is sent, so a bad URL or an empty list is explained beside the form.
 */
import type { PanelError } from '../../../shared/contract'
import { CrawlStartRequestSchema, MAX_ID_LIST_BYTES } from '../../../shared/crawl'
import type { CrawlStartRequest } from '../../../shared/crawl'

export type SourceChoice = 'sitemap' | 'ids'

export interface CrawlOptions {
  refresh: boolean
  maxAttempts: number
  name: string
}

export interface NewCrawlValues extends CrawlOptions {
  source: SourceChoice
  sitemapUrl: string
  /** Pasted text, or a chosen file's content. */
  idsText: string
}

export type StartRequestResult = { ok: true; request: CrawlStartRequest } | { ok: false; error: PanelError }

export function boardRequest(options: CrawlOptions): StartRequestResult {
  return checked({ source: { kind: 'board' }, ...common(options) })
}

export function startRequest(values: NewCrawlValues): StartRequestResult {
  if (values.source === 'sitemap') {
    const url = values.sitemapUrl.trim()
    if (url === '') return refused('Type the URL of a sitemap first.', 'For example https://jobs.example/sitemap.xml (a sitemap index or .xml.gz works too).')
    return checked({ source: { kind: 'sitemap', url }, ...common(values) })
  }
  if (values.idsText.trim() === '') return refused('Paste ids or choose a file first.', 'One id a line, or a CSV with an "id" column.')
  return checked({ source: { kind: 'ids', text: values.idsText }, ...common(values) })
}

/** A file too big to send is refused before it is read. */
export function idsFileProblem(file: { name: string; size: number }): PanelError | null {
  if (file.size <= MAX_ID_LIST_BYTES) return null
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1)
  return {
    kind: 'InvalidCrawl',
    message: `${file.name} is ${mib(file.size)} MiB; a list of ids is at most ${mib(MAX_ID_LIST_BYTES)} MiB.`,
    hint: 'Split it into several files and start a crawl for each.'
  }
}

function common(options: CrawlOptions): Omit<CrawlStartRequest, 'source'> {
  const name = options.name.trim()
  return { refresh: options.refresh, maxAttempts: options.maxAttempts, ...(name === '' ? {} : { name }) }
}

function checked(request: CrawlStartRequest): StartRequestResult {
  const parsed = CrawlStartRequestSchema.safeParse(request)
  if (parsed.success) return { ok: true, request }
  const issue = parsed.error.issues[0]
  const field = issue?.path.at(-1)
  const label = field === 'maxAttempts' ? 'Max attempts' : field === 'url' ? 'Sitemap URL' : field === 'name' ? 'Name' : 'The request'
  return refused(`${label}: ${issue?.message ?? 'invalid'}.`, null)
}

function refused(message: string, hint: string | null): StartRequestResult {
  return { ok: false, error: { kind: 'InvalidCrawl', message, hint } }
}
