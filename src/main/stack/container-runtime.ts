/**
 * What the orchestrator and the converger need from a container engine, and nothing more.
 * DockerEngine implements it over dockerode; unit tests implement it in memory, so the
 * ordering of up/down/scale can be tested without Docker.
 */
import type { ComposeProject, DependencyCondition, ServiceSpec } from './compose-model'
import type { ImageProgress } from './image-provider'
import type { ContainerIdentity } from './container-spec'
import type { ProjectContainer } from './project-containers'
import type { ProgressSink } from './stack-error'

export interface ContainerRuntime {
  /** Throws EngineUnavailableError unless the engine answers. */
  requireConnected(): Promise<void>
  /** The project's containers (of one service), lowest container number first. */
  listContainers(project: string, service?: string): Promise<ProjectContainer[]>
  /** The local image's id, or null when the image is not on this machine. */
  imageId(image: string): Promise<string | null>
  /** Builds or pulls the service's image when missing; its id. */
  ensureImage(spec: ServiceSpec, onProgress: (progress: ImageProgress) => void): Promise<string>
  /** Throws PortInUse (service, port, holder, the variable that moves it) when a port the services publish is taken. */
  assertPortsFree(project: ComposeProject, services: string[]): Promise<void>
  /** The project's networks and named volumes, created when missing. */
  ensureResources(project: ComposeProject, report: ProgressSink): Promise<void>
  /** Removes the project's networks (and volumes when asked: its labelled ones and the file's named ones, which up adopts); one summary line each. */
  removeResources(
    project: ComposeProject | string,
    options: { removeVolumes: boolean },
    report: ProgressSink
  ): Promise<string[]>
  createContainer(
    project: ComposeProject,
    spec: ServiceSpec,
    number: number,
    identity: ContainerIdentity
  ): Promise<string>
  /** Starts it unless it runs; with its owner, a taken host port fails as PortInUse naming service, port and holder. */
  startContainer(id: string, owner?: { project: ComposeProject; service: string }): Promise<void>
  stopContainer(id: string, graceSeconds: number): Promise<void>
  restartContainer(id: string, graceSeconds: number): Promise<void>
  removeContainer(id: string): Promise<void>
  /** Resolves when the container meets the condition; throws ContainerFailed / DependencyTimeout. */
  waitFor(id: string, label: string, condition: DependencyCondition, timeoutMs: number): Promise<void>
}
