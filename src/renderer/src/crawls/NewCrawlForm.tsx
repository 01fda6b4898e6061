import { useState } from 'react'
import type { ReactElement } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { CrawlStartRequest, CrawlStartResponse } from '../../../shared/crawl'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { IdsInput } from './IdsInput'
import type { IdsValue } from './IdsInput'
import { boardRequest, missingSource, startRequest } from './new-crawl-request'
import { DEFAULT_SOURCE_NAME } from '../../../shared/source'
import { SourcePicker } from '../sources/SourcePicker'
import type { SourceDetail } from '../../../shared/source'
import type { SourceChoice, StartRequestResult } from './new-crawl-request'

/** Start a crawl: the whole board in one click, or registered sources, a sitemap URL or a list of ids (of a source); refresh and max attempts. */
export function NewCrawlForm({
  onStarted,
  sources
}: {
  onStarted: (response: CrawlStartResponse) => void
  sources: SourceDetail[] | null
}): ReactElement {
  const api = usePanelApi()
  const [source, setSource] = useState<SourceChoice>('sitemap')
  const [sourceNames, setSourceNames] = useState<string[]>([])
  const [of, setOf] = useState(DEFAULT_SOURCE_NAME)
  const [sitemapUrl, setSitemapUrl] = useState('')
  const [ids, setIds] = useState<IdsValue>({ text: '', fileName: null })
  const [refresh, setRefresh] = useState(false)
  const [maxAttempts, setMaxAttempts] = useState(3)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<PanelError | null>(null)

  const start = async (built: StartRequestResult): Promise<void> => {
    if (!built.ok) {
      setError(built.error)
      return
    }
    setBusy(true)
    setError(null)
    const result = await api.invoke('crawlStart', built.request satisfies CrawlStartRequest)
    setBusy(false)
    if (!result.ok) {
      setError(result.error)
      return
    }
    setIds({ text: '', fileName: null })
    setName('')
    onStarted(result.value)
  }
  const options = { refresh, maxAttempts, name }
  const missing = missingSource({ source, sourceNames, sitemapUrl, idsText: ids.text })

  return (
    <section className="panel new-crawl" aria-labelledby="new-crawl-heading">
      <h2 id="new-crawl-heading">New crawl</h2>
      <div className="new-crawl__board">
        <button
          type="button"
          className="button button--primary"
          disabled={busy}
          data-testid="crawl-new-board"
          onClick={() => void start(boardRequest(options))}
        >
          Crawl the whole board
        </button>
        <span className="muted">every listing in the stack’s job board, through its sitemap</span>
      </div>
      <form
        className="new-crawl__form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          void start(startRequest({ source, sourceNames, of, sitemapUrl, idsText: ids.text, ...options }))
        }}
      >
        <fieldset className="new-crawl__sources">
          <legend>…or crawl</legend>
          <label className="checkbox">
            <input
              type="radio"
              name="crawl-source"
              checked={source === 'sources'}
              onChange={() => setSource('sources')}
              data-testid="crawl-new-source-sources"
            />{' '}
            registered sources
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="crawl-source"
              checked={source === 'sitemap'}
              onChange={() => setSource('sitemap')}
              data-testid="crawl-new-source-sitemap"
            />{' '}
            a sitemap
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="crawl-source"
              checked={source === 'ids'}
              onChange={() => setSource('ids')}
              data-testid="crawl-new-source-ids"
            />{' '}
            a list of ids
          </label>
        </fieldset>
        {source === 'sources' && (
          <fieldset className="new-crawl__source-names" data-testid="crawl-new-source-names">
            <legend>Sources, each through its sitemaps, as one crawl</legend>
            {(sources ?? []).map((s) => (
              <label key={s.name} className="checkbox">
                <input
                  type="checkbox"
                  disabled={s.paused}
                  checked={sourceNames.includes(s.name)}
                  onChange={(event) =>
                    setSourceNames((names) =>
                      event.target.checked ? [...names, s.name] : names.filter((n) => n !== s.name)
                    )
                  }
                />{' '}
                {s.name}
                {s.paused && <span className="muted"> (paused)</span>}
              </label>
            ))}
          </fieldset>
        )}
        {source !== 'sources' && <SourcePicker sources={sources} value={of} onChange={setOf} testId="crawl-new-of" />}
        {source === 'sources' ? null : source === 'sitemap' ? (
          <label className="field field--grow">
            <span>Sitemap or sitemap index URL (.xml or .xml.gz)</span>
            <input
              className="input"
              type="url"
              value={sitemapUrl}
              placeholder="https://jobs.example/sitemap.xml"
              spellCheck={false}
              data-testid="crawl-new-sitemap"
              onChange={(event) => setSitemapUrl(event.target.value)}
            />
          </label>
        ) : (
          <IdsInput value={ids} onChange={setIds} />
        )}
        <div className="new-crawl__options">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={refresh}
              onChange={(event) => setRefresh(event.target.checked)}
              data-testid="crawl-new-refresh"
            />{' '}
            Scrape cached listings again
          </label>
          <label className="field">
            <span>Max attempts</span>
            <input
              className="input new-crawl__attempts"
              type="number"
              min={1}
              max={10}
              value={maxAttempts}
              data-testid="crawl-new-max-attempts"
              onChange={(event) => setMaxAttempts(event.target.valueAsNumber)}
            />
          </label>
          <label className="field">
            <span>Name (optional)</span>
            <input
              className="input"
              value={name}
              maxLength={200}
              onChange={(event) => setName(event.target.value)}
              data-testid="crawl-new-name"
            />
          </label>
          {/* Secondary, and disabled until its source is given: the board crawl above is the main action. */}
          <button
            type="submit"
            className="button"
            disabled={busy || missing !== null}
            title={missing ?? undefined}
            data-testid="crawl-new-start"
          >
            {busy ? 'Starting…' : source === 'sitemap' ? 'Crawl this sitemap' : 'Crawl these ids'}
          </button>
        </div>
      </form>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </section>
  )
}
