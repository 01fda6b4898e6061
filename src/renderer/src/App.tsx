import { useCallback, useState } from 'react'
import type { KeyboardEvent, ReactElement } from 'react'
import { ConsoleView } from './console/ConsoleView'
import { CrawlsView } from './crawls/CrawlsView'
import { LookupView } from './lookup/LookupView'
import { LogsView } from './logs/LogsView'
import { OpenLogsContext } from './logs/open-logs'
import type { LogFilter } from './logs/log-filter'
import { NotificationSettingsView } from './notifications/NotificationSettingsView'
import { QueueView } from './queue/QueueView'
import { SourcesView } from './sources/SourcesView'
import { StackView } from './stack/StackView'
import { WatchesView } from './watches/WatchesView'
import { usePanelState } from './state/use-panel-state'

const TABS = [
  { id: 'stack', label: 'Stack' },
  { id: 'queue', label: 'Queue' },
  { id: 'crawls', label: 'Crawls' },
  { id: 'sources', label: 'Sources' },
  { id: 'watches', label: 'Watches' },
  { id: 'logs', label: 'Logs' },
  { id: 'lookup', label: 'Lookup' },
  { id: 'console', label: 'Console' },
  { id: 'settings', label: 'Settings' }
] as const
type TabId = (typeof TABS)[number]['id']

export function App({ banner }: { banner?: ReactElement | null }): ReactElement {
  const state = usePanelState()
  const [tab, setTab] = useState<TabId>('stack')
  const findings = state.metrics?.findings.length ?? 0
  // "Logs of this crawl / item": the Logs tab, opened on that query.
  const [logsRequest, setLogsRequest] = useState<{ filter: LogFilter; seq: number } | null>(null)
  const openLogs = useCallback((filter: LogFilter) => {
    setLogsRequest((previous) => ({ filter, seq: (previous?.seq ?? 0) + 1 }))
    setTab('logs')
  }, [])

  // Arrow keys move between tabs, as in every tab list.
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number): void => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    if (step === 0) return
    const next = TABS[(index + step + TABS.length) % TABS.length]
    if (!next) return
    setTab(next.id)
    document.getElementById(`tab-${next.id}`)?.focus()
  }

  return (
    <OpenLogsContext.Provider value={openLogs}>
      <div className="app">
        <header className="app__header">
          <span className="app__brand">scrapedeck</span>
          <nav className="tabs" role="tablist" aria-label="Views">
            {TABS.map((t, index) => (
              <button
                key={t.id}
                id={`tab-${t.id}`}
                type="button"
                role="tab"
                className="tabs__tab"
                aria-selected={tab === t.id}
                aria-controls={`panel-${t.id}`}
                tabIndex={tab === t.id ? 0 : -1}
                onClick={() => setTab(t.id)}
                onKeyDown={(event) => onTabKey(event, index)}
              >
                {t.label}
                {t.id === 'queue' && findings > 0 && (
                  <span className="tabs__badge" aria-label={`${findings} warnings`}>
                    {findings}
                  </span>
                )}
              </button>
            ))}
          </nav>
          <span className={`engine engine--${state.status?.engine.state ?? 'unknown'}`}>
            Docker: {state.status?.engine.state ?? '…'}
          </span>
        </header>
        {banner}
        {TABS.map((t) => (
          <div
            key={t.id}
            id={`panel-${t.id}`}
            role="tabpanel"
            aria-labelledby={`tab-${t.id}`}
            hidden={tab !== t.id}
            className="app__panel"
          >
            {t.id === 'stack' && <StackView state={state} active={tab === 'stack'} />}
            {t.id === 'queue' && <QueueView state={state} />}
            {t.id === 'crawls' && <CrawlsView state={state} active={tab === 'crawls'} />}
            {t.id === 'sources' && <SourcesView active={tab === 'sources'} />}
            {t.id === 'watches' && <WatchesView active={tab === 'watches'} />}
            {t.id === 'logs' && (
              <LogsView key={logsRequest?.seq ?? 0} active={tab === 'logs'} initial={logsRequest?.filter ?? null} />
            )}
            {t.id === 'lookup' && <LookupView active={tab === 'lookup'} />}
            {t.id === 'console' && <ConsoleView active={tab === 'console'} />}
            {t.id === 'settings' && <NotificationSettingsView />}
          </div>
        ))}
      </div>
    </OpenLogsContext.Provider>
  )
}
