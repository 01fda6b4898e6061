/**
 * The New crawl form's values → a crawlStart request, checked against the crawl contract
 * before it is sent, so a bad URL or an empty list is explained beside the form.
 */
import type { PanelError } from '../../../shared/contract'
import { CrawlStartRequestSchema, MAX_ID_LIST_BYTES } from '../../../shared/crawl'
import type { CrawlStartRequest } from '../../../shared/crawl'
import { DEFAULT_SOURCE_NAME } from '../../../shared/source'

export type SourceChoice = 'sources' | 'sitemap' | 'ids'

export interface CrawlOptions {
  refresh: boolean
  maxAttempts: number
  name: string
}

export interface NewCrawlValues extends CrawlOptions {
  source: SourceChoice
  /** The registered sources ticked (source 'sources'). */
  sourceNames: string[]
  /** The source a sitemap's pages or a list's ids are of (default: the default source). */
  of: string
  sitemapUrl: string
  /** Pasted text, or a chosen file's content. */
  idsText: string
}

export type StartRequestResult = { ok: true; request: CrawlStartRequest } | { ok: false; error: PanelError }

export function boardRequest(options: CrawlOptions): StartRequestResult {
  return checked({ source: { kind: 'board' }, ...common(options) })
}

/**
 * What the chosen source still lacks before the form can start it (null: nothing). The form
 * keeps its start button disabled with this as its title, so the board crawl stays the one
 * action a new user can take at first.
 */
export function missingSource(
  values: Pick<NewCrawlValues, 'source' | 'sitemapUrl' | 'idsText'> & { sourceNames?: string[] }
): string | null {
  if (values.source === 'sources')
    return (values.sourceNames ?? []).length === 0 ? 'Tick at least one source first.' : null
  if (values.source === 'sitemap') return values.sitemapUrl.trim() === '' ? 'Type the URL of a sitemap first.' : null
  return values.idsText.trim() === '' ? 'Paste ids or choose a file first.' : null
}

export function startRequest(values: NewCrawlValues): StartRequestResult {
  if (values.source === 'sources') {
    if (values.sourceNames.length === 0)
      return refused(
        'Tick at least one source first.',
        'Each source is read through its sitemaps; add sources in the Sources view.'
      )
    return checked({ source: { kind: 'sources', names: values.sourceNames }, ...common(values) })
  }
  const of = values.of === DEFAULT_SOURCE_NAME ? {} : { source: values.of }
  const missing = missingSource(values)
  if (values.source === 'sitemap') {
    if (missing !== null)
      return refused(missing, 'For example https://jobs.example/sitemap.xml (a sitemap index or .xml.gz works too).')
    return checked({ source: { kind: 'sitemap', url: values.sitemapUrl.trim(), ...of }, ...common(values) })
  }
  if (missing !== null) return refused(missing, 'One id a line, or a CSV with an "id" column.')
  return checked({ source: { kind: 'ids', text: values.idsText, ...of }, ...common(values) })
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
  const label =
    field === 'maxAttempts'
      ? 'Max attempts'
      : field === 'url'
        ? 'Sitemap URL'
        : field === 'name'
          ? 'Name'
          : field === 'names'
            ? 'Sources'
            : 'The request'
  return refused(`${label}: ${issue?.message ?? 'invalid'}.`, null)
}

function refused(message: string, hint: string | null): StartRequestResult {
  return { ok: false, error: { kind: 'InvalidCrawl', message, hint } }
}
