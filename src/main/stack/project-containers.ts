/** The containers that belong to a compose project, read from their labels. */
import type Docker from 'dockerode'
import { LABEL, projectFilter } from './compose-labels'

export interface ProjectContainer {
  id: string
  name: string
  service: string
  number: number
  configHash: string | null
  /** `com.docker.compose.version`: which Compose made it (the panel writes the one it imitates). */
  composeVersion: string | null
  /** `com.docker.compose.image` (v2): the image id it was created from. */
  imageLabel: string | null
  image: string
  /** Engine state: created, running, paused, restarting, removing, exited, dead. */
  state: string
  /** From the list's Status text: healthy, unhealthy, starting, or none. */
  health: 'healthy' | 'unhealthy' | 'starting' | 'none'
  ports: Docker.Port[]
}

export async function listProjectContainers(
  docker: Docker,
  project: string,
  service?: string
): Promise<ProjectContainer[]> {
  const labels = projectFilter(project).label
  labels.push(`${LABEL.oneoff}=False`)
  if (service !== undefined) labels.push(`${LABEL.service}=${service}`)
  const list = await docker.listContainers({ all: true, filters: { label: labels } })
  return list
    .map((c): ProjectContainer => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      service: c.Labels[LABEL.service] ?? '',
      number: Number(c.Labels[LABEL.number] ?? 0),
      configHash: c.Labels[LABEL.configHash] ?? null,
      composeVersion: c.Labels[LABEL.version] ?? null,
      imageLabel: c.Labels[LABEL.image] ?? null,
      image: c.Image,
      state: c.State,
      health: healthFromStatus(c.Status),
      ports: c.Ports
    }))
    .sort((a, b) => (a.service === b.service ? a.number - b.number : a.service < b.service ? -1 : 1))
}

function healthFromStatus(status: string): ProjectContainer['health'] {
  if (status.includes('(healthy)')) return 'healthy'
  if (status.includes('(unhealthy)')) return 'unhealthy'
  if (status.includes('(health: starting)')) return 'starting'
  return 'none'
}
