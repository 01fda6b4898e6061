/**
 * The project's networks and named volumes, labelled as Compose does. No config-hash label:
 * v2 then takes them as they are (it only compares a hash that is there).
 */
import type Docker from 'dockerode'
import type { ComposeProject, NetworkSpec, VolumeSpec } from './compose-model'
import { COMPOSE_VERSIONS, LABEL } from './compose-labels'
import type { ProgressSink } from './stack-error'
import { StackError } from './stack-error'

/** How one kind of project resource is listed, created and labelled. */
interface ResourceKind {
  step: 'network' | 'volume'
  existing: (docker: Docker) => Promise<string[]>
  create: (docker: Docker, spec: NetworkSpec | VolumeSpec, labels: Record<string, string>) => Promise<unknown>
  label: string
  noun: string
}

const NETWORKS: ResourceKind = {
  step: 'network',
  existing: async (docker) => (await docker.listNetworks()).map((n) => n.Name),
  create: (docker, spec, labels) =>
    docker.createNetwork({ Name: spec.name, Driver: spec.driver ?? 'bridge', CheckDuplicate: true, Labels: labels }),
  label: LABEL.network,
  noun: 'network'
}

const VOLUMES: ResourceKind = {
  step: 'volume',
  existing: async (docker) => ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name),
  create: (docker, spec, labels) =>
    docker.createVolume({ Name: spec.name, Driver: spec.driver ?? 'local', Labels: labels }),
  label: LABEL.volume,
  noun: 'volume'
}

/** The project's networks, then its named volumes: each created when missing; a missing external one is an error. */
export async function ensureResources(docker: Docker, project: ComposeProject, report: ProgressSink): Promise<void> {
  await ensureKind(docker, NETWORKS, project.networks.values(), project, report)
  await ensureKind(docker, VOLUMES, project.volumes.values(), project, report)
}

async function ensureKind(
  docker: Docker,
  kind: ResourceKind,
  specs: Iterable<NetworkSpec | VolumeSpec>,
  project: ComposeProject,
  report: ProgressSink
): Promise<void> {
  const existing = new Set(await kind.existing(docker))
  for (const spec of specs) {
    if (existing.has(spec.name)) continue
    if (spec.external) {
      throw new StackError(
        'ComposeFileInvalid',
        `External ${kind.noun} ${spec.name} does not exist`,
        `Create it with \`docker ${kind.noun} create ${spec.name}\`.`
      )
    }
    report({
      step: kind.step,
      service: null,
      container: null,
      state: 'started',
      message: `Creating ${kind.noun} ${spec.name}`
    })
    await kind.create(docker, spec, {
      ...spec.labels,
      [LABEL.project]: project.project,
      [kind.label]: spec.key,
      [LABEL.version]: COMPOSE_VERSIONS[project.writeAs]
    })
    report({
      step: kind.step,
      service: null,
      container: null,
      state: 'done',
      message: `${kind.noun === 'network' ? 'Network' : 'Volume'} ${spec.name} created`
    })
  }
}

/**
 * Removes the project's own networks and, when asked, its volumes: those labelled with the
 * project, and the file's named volumes that up used although something else made them (a
 * swarm deploy's, an older tool's), since up adopts an existing volume by name. External
 * ones are left alone. A volume the engine will not remove (in use by a container of another
 * project) is reported and named in the summary as left, with the engine's reason.
 */
export async function removeResources(
  docker: Docker,
  project: ComposeProject | string,
  removeVolumes: boolean,
  report: ProgressSink
): Promise<string[]> {
  const name = typeof project === 'string' ? project : project.project
  const done: string[] = []
  const networks = await docker.listNetworks({ filters: { label: [`${LABEL.project}=${name}`] } })
  for (const net of networks) {
    try {
      await docker.getNetwork(net.Id).remove()
      report({ step: 'network', service: null, container: null, state: 'done', message: `Network ${net.Name} removed` })
      done.push(`removed network ${net.Name}`)
    } catch (err) {
      report({
        step: 'network',
        service: null,
        container: null,
        state: 'failed',
        message: `Network ${net.Name} not removed: ${(err as Error).message}`
      })
    }
  }
  if (removeVolumes) {
    for (const volume of await projectVolumes(docker, project)) {
      try {
        await docker.getVolume(volume).remove()
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) continue
        const reason = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message
        report({
          step: 'volume',
          service: null,
          container: null,
          state: 'failed',
          message: `Volume ${volume} left: ${reason}`
        })
        done.push(`left volume ${volume}: ${reason}`)
        continue
      }
      report({ step: 'volume', service: null, container: null, state: 'done', message: `Volume ${volume} removed` })
      done.push(`removed volume ${volume}`)
    }
  }
  return done
}

/** The volumes down removes: labelled with the project, and the file's own named volumes that exist. */
async function projectVolumes(docker: Docker, project: ComposeProject | string): Promise<string[]> {
  const name = typeof project === 'string' ? project : project.project
  const labelled = ((await docker.listVolumes({ filters: { label: [`${LABEL.project}=${name}`] } })).Volumes ?? []).map(
    (v) => v.Name
  )
  if (typeof project === 'string') return labelled
  const existing = new Set(((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name))
  const named = [...project.volumes.values()].filter((v) => !v.external && existing.has(v.name)).map((v) => v.name)
  return [...new Set([...labelled, ...named])]
}
