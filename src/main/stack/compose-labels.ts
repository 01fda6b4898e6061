/**
 * The labels and names Docker Compose gives what it creates, in both of its dialects
 * (v1.29's and v2.32's), so every tool sees one stack and the panel can tell which one
 * made a container.
 */

export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  version: 'com.docker.compose.version',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  /** v2 only: the image id the container was created from (v2 recreates when it changes). */
  image: 'com.docker.compose.image',
  /** v2 only: "service:condition:restart" of each dependency. */
  dependsOn: 'com.docker.compose.depends_on'
} as const

/** Which Compose the panel imitates: its hash, its container names, its labels. */
export type ComposeFlavour = 'v1' | 'v2'

/**
 * The version each flavour claims in `com.docker.compose.version`. v1 only compares it for a
 * downgrade warning; v2 does not compare it. The panel reads it to judge a container as
 * the tool that made it would.
 */
export const COMPOSE_VERSIONS: Record<ComposeFlavour, string> = { v1: '1.29.2', v2: '2.32.4' }

/** v1 writes "1.x.y"; v2 writes "2.x.y" (or whatever it was built as). No label: an old panel, i.e. v1. */
export function flavourOfVersion(version: string | null | undefined): ComposeFlavour {
  return version === null || version === undefined || version === '' || version.startsWith('1.') ? 'v1' : 'v2'
}

/** DECK_COMPOSE_COMPAT: "v1" or "v2" (default v2, what most users run). */
export function parseComposeCompat(value: string | undefined): ComposeFlavour {
  if (value === undefined || value === '') return 'v2'
  if (value === 'v1' || value === 'v2') return value
  throw new Error(
    `DECK_COMPOSE_COMPAT must be "v1" (imitate docker-compose 1.29) or "v2" (Docker Compose v2), got "${value}"`
  )
}

/** v1 `<project>_<service>_<n>` (compose/service.py build_container_name); v2 `<project>-<service>-<n>`. */
export function containerName(flavour: ComposeFlavour, project: string, service: string, number: number): string {
  return flavour === 'v1' ? `${project.replace(/^[-_]+/, '')}_${service}_${number}` : `${project}-${service}-${number}`
}

/** The image a service without `image:` builds: v1 `<project>_<service>`, v2 `<project>-<service>`. */
export function defaultImageName(flavour: ComposeFlavour, project: string, service: string): string {
  return flavour === 'v1' ? `${project.replace(/^[-_]+/, '')}_${service}` : `${project}-${service}`
}

export interface ContainerLabelInput {
  flavour: ComposeFlavour
  project: string
  service: string
  number: number
  configHash: string
  /** The image id (v2 labels it); null when unknown. */
  imageId: string | null
  dependsOn: Record<string, string>
  workingDir: string
  configFile: string
  userLabels: Record<string, string>
}

export function containerLabels(input: ContainerLabelInput): Record<string, string> {
  const labels: Record<string, string> = {
    ...input.userLabels,
    [LABEL.project]: input.project,
    [LABEL.service]: input.service,
    [LABEL.oneoff]: 'False',
    [LABEL.number]: String(input.number),
    [LABEL.configHash]: input.configHash,
    [LABEL.version]: COMPOSE_VERSIONS[input.flavour],
    [LABEL.workingDir]: input.workingDir,
    [LABEL.configFiles]: input.configFile
  }
  if (input.flavour === 'v2') {
    if (input.imageId !== null) labels[LABEL.image] = input.imageId
    labels[LABEL.dependsOn] = Object.entries(input.dependsOn)
      .map(([dep, condition]) => `${dep}:${condition}:false`)
      .join(',')
  }
  return labels
}

export function projectFilter(project: string): { label: string[] } {
  return { label: [`${LABEL.project}=${project}`] }
}
