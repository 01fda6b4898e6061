/**
 * The project's networks and named volumes, labelled as Compose does. No config-hash label:
 * v2 then takes them as they are (it only compares a hash that is there).
 */
import type Docker from 'dockerode'
import type { ComposeProject } from './compose-model'
import { COMPOSE_VERSIONS, LABEL } from './compose-labels'
import type { ProgressSink } from './stack-error'
import { StackError } from './stack-error'

export async function ensureNetworks(docker: Docker, project: ComposeProject, report: ProgressSink): Promise<void> {
  const existing = new Set((await docker.listNetworks()).map((n) => n.Name))
  for (const net of project.networks.values()) {
    if (existing.has(net.name)) continue
    if (net.external) {
      throw new StackError('ComposeFileInvalid', `External network ${net.name} does not exist`, `Create it with \`docker network create ${net.name}\`.`)
    }
    report({ step: 'network', service: null, container: null, state: 'started', message: `Creating network ${net.name}` })
    await docker.createNetwork({
      Name: net.name,
      Driver: net.driver ?? 'bridge',
      CheckDuplicate: true,
      Labels: { ...net.labels, [LABEL.project]: project.project, [LABEL.network]: net.key, [LABEL.version]: COMPOSE_VERSIONS[project.writeAs] }
    })
    report({ step: 'network', service: null, container: null, state: 'done', message: `Network ${net.name} created` })
  }
}

export async function ensureVolumes(docker: Docker, project: ComposeProject, report: ProgressSink): Promise<void> {
  const existing = new Set(((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name))
  for (const vol of project.volumes.values()) {
    if (existing.has(vol.name)) continue
    if (vol.external) {
      throw new StackError('ComposeFileInvalid', `External volume ${vol.name} does not exist`, `Create it with \`docker volume create ${vol.name}\`.`)
    }
    report({ step: 'volume', service: null, container: null, state: 'started', message: `Creating volume ${vol.name}` })
    await docker.createVolume({
      Name: vol.name,
      Driver: vol.driver ?? 'local',
      Labels: { ...vol.labels, [LABEL.project]: project.project, [LABEL.volume]: vol.key, [LABEL.version]: COMPOSE_VERSIONS[project.writeAs] }
    })
    report({ step: 'volume', service: null, container: null, state: 'done', message: `Volume ${vol.name} created` })
  }
}

/** Removes the project's own networks (and volumes when asked); external ones are left alone. */
export async function removeResources(docker: Docker, project: string, removeVolumes: boolean, report: ProgressSink): Promise<string[]> {
  const done: string[] = []
  const networks = await docker.listNetworks({ filters: { label: [`${LABEL.project}=${project}`] } })
  for (const net of networks) {
    try {
      await docker.getNetwork(net.Id).remove()
      report({ step: 'network', service: null, container: null, state: 'done', message: `Network ${net.Name} removed` })
      done.push(`removed network ${net.Name}`)
    } catch (err) {
      report({ step: 'network', service: null, container: null, state: 'failed', message: `Network ${net.Name} not removed: ${(err as Error).message}` })
    }
  }
  if (removeVolumes) {
    const volumes = (await docker.listVolumes({ filters: { label: [`${LABEL.project}=${project}`] } })).Volumes ?? []
    for (const vol of volumes) {
      await docker.getVolume(vol.Name).remove()
      report({ step: 'volume', service: null, container: null, state: 'done', message: `Volume ${vol.Name} removed` })
      done.push(`removed volume ${vol.Name}`)
    }
  }
  return done
}
