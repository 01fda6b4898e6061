import { useState } from 'react'
import type { ReactElement } from 'react'
import type { OperationReport, PanelError, PreflightResult, Result } from '../../../shared/contract'
import { usePanelApi } from '../api/panel-context'
import { newOperationId } from '../api/operation-id'
import { useNow } from '../api/use-now'
import { ErrorNotice } from '../components/ErrorNotice'
import { scraperComposeService } from '../state/scraper-service'
import type { PanelState } from '../state/use-panel-state'
import { HostAccessDialog } from './HostAccessDialog'
import { LogDrawer } from './LogDrawer'
import { ProgressList } from './ProgressList'
import { ServiceRow } from './ServiceRow'
import { HostLine } from './HostLine'
import { latestReadings, serviceUse } from './stats-series'
import { useFleetStats } from './use-fleet-stats'
import { nextReplicaCeiling } from '../../../shared/fleet-stats'
import { usePageVisible } from '../crawls/use-page-visible'
import { AutoscaleControl } from '../autoscale/AutoscaleControl'
import { useAutoscale } from '../autoscale/use-autoscale'
import type { ServiceAction } from './ServiceRow'

interface Running {
  operationId: string
  label: string
}

export function StackView({ state, active = true }: { state: PanelState; active?: boolean }): ReactElement {
  const api = usePanelApi()
  const visible = usePageVisible()
  const fleet = useFleetStats(active && visible)
  const now = useNow()
  const [running, setRunning] = useState<Running | null>(null)
  const [stackError, setStackError] = useState<PanelError | null>(null)
  const [serviceErrors, setServiceErrors] = useState<Record<string, PanelError>>({})
  const [busyServices, setBusyServices] = useState<Set<string>>(new Set())
  const [logs, setLogs] = useState<{ service: string; container: string } | null>(null)
  const [lastReport, setLastReport] = useState<OperationReport | null>(null)
  const [hostAccess, setHostAccess] = useState<PreflightResult | null>(null)

  const { status } = state
  const scalableService = scraperComposeService(state.config)
  const autoscale = useAutoscale(scalableService)

  async function runStackOperation(
    label: string,
    call: (operationId: string) => Promise<Result<OperationReport>>
  ): Promise<void> {
    const operationId = newOperationId(label)
    setRunning({ operationId, label })
    setStackError(null)
    setLastReport(null)
    const result = await call(operationId)
    setRunning(null)
    if (result.ok) setLastReport(result.value)
    else setStackError(result.error)
  }

  const startStack = (allowHostAccess?: string): Promise<void> =>
    runStackOperation('Starting the stack', (operationId) => api.invoke('up', { operationId, allowHostAccess }))

  /** Start stack: a file that reaches the host, not yet accepted, asks first (HostAccessDialog). */
  async function onStartStack(): Promise<void> {
    setStackError(null)
    const checked = await api.invoke('preflight', {})
    if (!checked.ok) setStackError(checked.error)
    else if (!checked.value.accepted) setHostAccess(checked.value)
    else await startStack()
  }

  async function runServiceOperation(
    service: string,
    call: (operationId: string) => Promise<Result<OperationReport>>
  ): Promise<void> {
    setBusyServices((s) => new Set(s).add(service))
    setServiceErrors(({ [service]: _, ...rest }) => rest)
    const result = await call(newOperationId(service))
    setBusyServices((s) => {
      const next = new Set(s)
      next.delete(service)
      return next
    })
    if (!result.ok) setServiceErrors((errors) => ({ ...errors, [service]: result.error }))
  }

  const onAction = (service: string, action: ServiceAction): void => {
    void runServiceOperation(service, (operationId) => api.invoke(action, { service, operationId }))
  }
  const onScale = (service: string, replicas: number): void => {
    void runServiceOperation(service, (operationId) => api.invoke('scale', { service, replicas, operationId }))
  }

  const progress = running ? state.progress.filter((p) => p.operationId === running.operationId) : []
  const anyRunning = status?.services.some((s) => s.runningReplicas > 0) ?? false
  const runningNames = (names: { name: string; state: string }[]): string[] =>
    names.filter((c) => c.state === 'running').map((c) => c.name)
  const allRunning = new Set(
    status ? runningNames([...status.services.flatMap((s) => s.containers), ...status.orphans]) : []
  )
  const ceiling =
    fleet.host && scalableService
      ? nextReplicaCeiling(fleet.host, scalableService, latestReadings(fleet.byContainer, allRunning))
      : null

  return (
    <section className="view" aria-labelledby="stack-heading">
      <header className="view__header">
        <h1 id="stack-heading">Stack {status && <span className="muted">{status.project}</span>}</h1>
        <div className="toolbar">
          <button
            type="button"
            className="button button--primary"
            disabled={running !== null}
            onClick={() => void onStartStack()}
          >
            Start stack
          </button>
          <button
            type="button"
            className="button"
            disabled={running !== null || !anyRunning}
            onClick={() =>
              void runStackOperation('Stopping the stack', (operationId) => api.invoke('down', { operationId }))
            }
          >
            Stop stack
          </button>
        </div>
      </header>

      {status?.engine.state !== undefined && status.engine.state !== 'connected' && (
        <ErrorNotice error={{ kind: 'EngineUnavailable', message: status.engine.message, hint: status.engine.hint }} />
      )}
      {status?.composeError && <ErrorNotice error={status.composeError} />}
      {state.statusError && <ErrorNotice error={state.statusError} />}
      {stackError && <ErrorNotice error={stackError} onDismiss={() => setStackError(null)} />}

      {running && (
        <div className="operation" data-testid="operation-running">
          <p className="operation__label">{running.label}…</p>
          <ProgressList events={progress} />
        </div>
      )}
      {lastReport && (
        <p className="operation__report" role="status">
          Done in {(lastReport.tookMs / 1000).toFixed(1)} s
          {lastReport.summary.length > 0 ? `: ${lastReport.summary.join('; ')}` : '.'}
        </p>
      )}

      {status === null && state.statusError === null && <p className="muted">Loading the stack’s status…</p>}
      {status && (
        <table className="services">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Health</th>
              <th scope="col">Replicas</th>
              <th scope="col">CPU / memory</th>
              <th scope="col">Uptime</th>
              <th scope="col">Ports</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {status.services.map((service) => (
              <ServiceRow
                key={service.name}
                service={service}
                snapshotAt={status.updatedAt}
                now={now}
                scalable={service.name === scalableService}
                autoscale={<AutoscaleControl service={service.name} autoscale={autoscale} />}
                busy={running !== null || busyServices.has(service.name)}
                error={serviceErrors[service.name] ?? null}
                onAction={(action) => onAction(service.name, action)}
                onScale={(replicas) => onScale(service.name, replicas)}
                onShowLogs={(container) => setLogs({ service: service.name, container })}
                onDismissError={() => setServiceErrors(({ [service.name]: _, ...rest }) => rest)}
                use={serviceUse(fleet.byContainer, runningNames(service.containers))}
                ceilingWarning={ceiling?.reason ?? null}
              />
            ))}
          </tbody>
        </table>
      )}
      {fleet.host && <HostLine host={fleet.host} />}
      {status && status.orphans.length > 0 && (
        <p className="muted">
          Containers of this project that compose.yaml does not declare: {status.orphans.map((o) => o.name).join(', ')}.
        </p>
      )}
      {hostAccess && (
        <HostAccessDialog
          preflight={hostAccess}
          onStart={(fileHash) => {
            setHostAccess(null)
            void startStack(fileHash)
          }}
          onCancel={() => setHostAccess(null)}
        />
      )}
      {logs && (
        <LogDrawer
          key={logs.container}
          service={logs.service}
          container={logs.container}
          onClose={() => setLogs(null)}
        />
      )}
    </section>
  )
}
