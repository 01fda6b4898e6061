/** The labels and names docker-compose v1.29 gives what it creates, so both tools see one stack. */

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
  volume: 'com.docker.compose.volume'
} as const

/** The version we claim: docker-compose v1 only compares it for a warning about downgrades. */
export const COMPOSE_VERSION = '1.29.2'

/** `<project>_<service>_<n>`, as compose/service.py build_container_name. */
export function containerName(project: string, service: string, number: number): string {
  return `${project.replace(/^[-_]+/, '')}_${service}_${number}`
}

export interface ContainerLabelInput {
  project: string
  service: string
  number: number
  configHash: string
  workingDir: string
  configFile: string
  userLabels: Record<string, string>
}

export function containerLabels(input: ContainerLabelInput): Record<string, string> {
  return {
    ...input.userLabels,
    [LABEL.project]: input.project,
    [LABEL.service]: input.service,
    [LABEL.oneoff]: 'False',
    [LABEL.number]: String(input.number),
    [LABEL.configHash]: input.configHash,
    [LABEL.version]: COMPOSE_VERSION,
    [LABEL.workingDir]: input.workingDir,
    [LABEL.configFiles]: input.configFile
  }
}

export function projectFilter(project: string): { label: string[] } {
  return { label: [`${LABEL.project}=${project}`] }
}
