/** The engine host under the stack table: cores, memory used of total, containers running. */
import type { ReactElement } from 'react'
import type { HostInfo } from '../../../shared/fleet-stats'
import { formatBytes } from '../../../shared/fleet-stats'

export function HostLine({ host }: { host: HostInfo }): ReactElement {
  const used = host.memoryAvailableBytes === null ? null : host.memoryTotalBytes - host.memoryAvailableBytes
  return (
    <p className="host-line" data-testid="host-line">
      Host: {host.cores} cores{host.cpuBusyCores === null ? '' : ` (${host.cpuBusyCores.toFixed(1)} busy)`} · memory{' '}
      {used === null ? '' : `${formatBytes(used)} used of `}
      {formatBytes(host.memoryTotalBytes)} · {host.containersRunning} containers running
    </p>
  )
}
