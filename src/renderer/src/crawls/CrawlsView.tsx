import { useState } from 'react'
import type { ReactElement } from 'react'
import { useSources } from '../sources/use-sources'
import type { CrawlStartResponse } from '../../../shared/crawl'
import { ErrorNotice } from '../components/ErrorNotice'
import type { PanelState } from '../state/use-panel-state'
import { CrawlList } from './CrawlList'
import { CrawlPage } from './CrawlPage'
import { NewCrawlForm } from './NewCrawlForm'
import { StartReport } from './StartReport'
import { useCrawlList } from './use-crawl-list'

/**
 * The Crawls view: a new crawl and the crawls list, or one crawl's page. Nothing here polls or
 * follows while the view is not on screen (`active`): leaving the tab unfollows the crawl.
 */
export function CrawlsView({ state, active }: { state: PanelState; active: boolean }): ReactElement {
  const [openId, setOpenId] = useState<string | null>(null)
  const [report, setReport] = useState<CrawlStartResponse | null>(null)
  const list = useCrawlList(active && openId === null)
  // The New crawl form's source choices.
  const { sources } = useSources(active && openId === null)

  if (openId !== null) {
    return (
      <>
        {active && (
          <CrawlPage
            key={openId}
            id={openId}
            state={state}
            onBack={() => setOpenId(null)}
            onDeleted={() => {
              setOpenId(null)
              list.refresh()
            }}
          />
        )}
      </>
    )
  }
  return (
    <section className="view" aria-labelledby="crawls-heading">
      <header className="view__header">
        <h1 id="crawls-heading">Crawls</h1>
      </header>
      <NewCrawlForm
        sources={sources}
        onStarted={(response) => {
          setReport(response)
          list.refresh()
        }}
      />
      {report && (
        <StartReport report={report} onOpen={() => setOpenId(report.crawl.id)} onDismiss={() => setReport(null)} />
      )}
      {list.error && <ErrorNotice error={list.error} />}
      {list.crawls === null && list.error === null && <p className="muted">Loading the crawls…</p>}
      {list.crawls !== null && <CrawlList crawls={list.crawls} onOpen={setOpenId} />}
    </section>
  )
}
