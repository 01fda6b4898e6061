/**
 * On a swarm, under a service's row: one line per replica's task — the node that runs it,
 * its state and the state swarm wants, and swarm's error when it has one (a task that
 * cannot be placed or keeps failing says why here, not only in `docker service ps`).
 */
import type { ReactElement } from 'react'
import type { ServiceStatus } from '../../../shared/contract'

export function SwarmTasks({ service }: { service: ServiceStatus }): ReactElement | null {
  const tasks = service.containers.flatMap((c) => (c.task === undefined ? [] : [{ name: c.name, id: c.id, ...c.task }]))
  if (tasks.length === 0) return null
  return (
    <tr className="service-row__tasks">
      <td colSpan={7}>
        <details data-testid={`tasks-${service.name}`}>
          <summary>
            Tasks of {service.name} ({tasks.length})
          </summary>
          <table className="swarm-tasks">
            <thead>
              <tr>
                <th scope="col">Replica</th>
                <th scope="col">Node</th>
                <th scope="col">State</th>
                <th scope="col">Desired</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((t) => (
                <tr key={t.id} data-testid="swarm-task">
                  <td>{t.name}</td>
                  <td data-testid="swarm-task-node">{t.node ?? 'unassigned'}</td>
                  <td data-testid="swarm-task-state">{t.state}</td>
                  <td>{t.desiredState}</td>
                  <td className={t.error === null ? 'muted' : 'swarm-tasks__error'}>{t.error ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </td>
    </tr>
  )
}
