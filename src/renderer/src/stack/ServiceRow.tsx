import type { ReactElement, ReactNode } from 'react'
import type { PanelError, ServiceStatus } from '../../../shared/contract'
import { ErrorNotice } from '../components/ErrorNotice'
import { ReplicaStepper } from './ReplicaStepper'
import { Sparkline } from './Sparkline'
import { SwarmTasks } from './SwarmTasks'
import type { ServiceUse } from './stats-series'
import { formatBytes } from '../../../shared/fleet-stats'
import {
  STATE_LABELS,
  formatDuration,
  formatPorts,
  healthText,
  replicasPerNode,
  serviceUptimeMs
} from './format-status'

export type ServiceAction = 'startService' | 'stopService' | 'restartService'

export interface ServiceRowProps {
  service: ServiceStatus
  snapshotAt: string
  now: number
  scalable: boolean
  busy: boolean
  error: PanelError | null
  onAction: (action: ServiceAction) => void
  onScale: (replicas: number) => void
  onShowLogs: (container: string) => void
  onDismissError: () => void
  /** CPU and memory of its running containers; null when none has a reading. */
  use: ServiceUse | null
  /** Why one more replica would pass the host (shown beside the stepper), else null. */
  ceilingWarning: string | null
  /** Drawn under the stepper: the autoscale toggle and its settings (scalable rows only). */
  autoscale?: ReactNode
}

export function ServiceRow(props: ServiceRowProps): ReactElement {
  const { service, snapshotAt, now, scalable, busy, error } = props
  const uptime = serviceUptimeMs(service, snapshotAt, now)
  const ports = [...new Set(service.containers.flatMap((c) => formatPorts(c.ports)))]
  const running = service.runningReplicas > 0
  // On a swarm: how many of the replicas each node runs.
  const nodes = replicasPerNode(service)
  return (
    <>
      <tr className="service-row" data-testid={`service-${service.name}`} data-state={service.state}>
        <th scope="row" data-label="Service">
          <span className={`light light--${service.state}`} aria-hidden="true" />
          <span className="service-row__name">{service.name}</span>
          <span className="service-row__state" data-testid={`state-${service.name}`}>
            {STATE_LABELS[service.state]}
          </span>
        </th>
        <td data-label="Health" data-testid={`health-${service.name}`}>
          {healthText(service)}
        </td>
        <td data-label="Replicas">
          <span data-testid={`replicas-${service.name}`}>
            {service.runningReplicas}/{service.desiredReplicas}
          </span>
          {nodes.length > 0 && (
            <div className="muted" data-testid={`nodes-${service.name}`}>
              {nodes.map(([node, n]) => `${node} ×${n}`).join(', ')}
            </div>
          )}
          {scalable && (
            <ReplicaStepper
              service={service.name}
              desired={service.desiredReplicas}
              busy={busy}
              onScale={props.onScale}
            />
          )}
          {scalable && props.ceilingWarning && (
            <p className="ceiling-warning" role="alert" data-testid={`ceiling-warning-${service.name}`}>
              {props.ceilingWarning}
            </p>
          )}
          {scalable && props.autoscale}
        </td>
        <td data-label="CPU / memory">
          {props.use === null ? (
            '—'
          ) : (
            <div className="service-row__use">
              <span data-testid={`cpu-${service.name}`}>{props.use.cpuPercent.toFixed(1)} %</span>
              <span data-testid={`memory-${service.name}`}>{formatBytes(props.use.memoryBytes)}</span>
              <Sparkline
                values={props.use.series}
                label={`${service.name} CPU over the last ${props.use.series.length} s`}
                testId={`sparkline-${service.name}`}
              />
            </div>
          )}
        </td>
        <td data-label="Uptime">{uptime === null ? '—' : formatDuration(uptime)}</td>
        <td data-label="Ports">
          <div className="service-row__ports">
            {ports.length === 0 ? '—' : ports.map((p) => <code key={p}>{p}</code>)}
          </div>
        </td>
        <td data-label="Actions">
          <div className="service-row__actions">
            <button
              type="button"
              className="button"
              disabled={busy || running}
              onClick={() => props.onAction('startService')}
            >
              Start<span className="visually-hidden"> {service.name}</span>
            </button>
            <button
              type="button"
              className="button"
              disabled={busy || !running}
              onClick={() => props.onAction('stopService')}
            >
              Stop<span className="visually-hidden"> {service.name}</span>
            </button>
            <button
              type="button"
              className="button"
              disabled={busy || !running}
              onClick={() => props.onAction('restartService')}
            >
              Restart<span className="visually-hidden"> {service.name}</span>
            </button>
            {service.containers.length > 0 && (
              <details className="log-menu">
                <summary className="button">
                  Logs<span className="visually-hidden"> of {service.name}</span>
                </summary>
                <ul className="log-menu__list">
                  {service.containers.map((c) => (
                    <li key={c.id}>
                      <button type="button" className="button button--quiet" onClick={() => props.onShowLogs(c.name)}>
                        {c.name}{' '}
                        <span className="muted">
                          ({c.state}
                          {c.task?.node ? ` on ${c.task.node}` : ''})
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </div>
        </td>
      </tr>
      <SwarmTasks service={service} />
      {error && (
        <tr className="service-row__error">
          <td colSpan={7}>
            <ErrorNotice error={error} onDismiss={props.onDismissError} />
          </td>
        </tr>
      )}
    </>
  )
}
