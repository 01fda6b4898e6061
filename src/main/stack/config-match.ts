/**
 * Whether a container runs the compose file's current configuration, judged the way the
 * Compose that made it judges (its `com.docker.compose.version` label says which): v1
 * compares its config hash, which covers the image id; v2 compares its own hash and, apart,
 * the image id in `com.docker.compose.image`. And which dialect new containers of a
 * service get.
 */
import type { ComposeProject, ServiceSpec } from './compose-model'
import { configHash } from './compose-hash'
import { configHashV2 } from './compose-hash-v2'
import { flavourOfVersion } from './compose-labels'
import type { ComposeFlavour } from './compose-labels'

/** What a container carries (see project-containers.ts). */
export interface ContainerConfigLabels {
  configHash: string | null
  composeVersion: string | null
  imageLabel: string | null
}

export interface ExpectedConfig {
  imageId: string | null
  hash(flavour: ComposeFlavour): string
}

export function expectedConfig(project: ComposeProject, service: ServiceSpec, imageId: string | null): ExpectedConfig {
  const hashes = new Map<ComposeFlavour, string>()
  return {
    imageId,
    hash(flavour) {
      let h = hashes.get(flavour)
      if (h === undefined) {
        h = flavour === 'v1' ? configHash(project, service, imageId) : configHashV2(service)
        hashes.set(flavour, h)
      }
      return h
    }
  }
}

export function isCurrent(container: ContainerConfigLabels, expected: ExpectedConfig): boolean {
  const flavour = flavourOfVersion(container.composeVersion)
  if (container.configHash !== expected.hash(flavour)) return false
  return flavour === 'v1' || (container.imageLabel ?? '') === (expected.imageId ?? '')
}

/**
 * New containers of a service speak the dialect of the ones it already has (so the tool
 * that made them keeps seeing the service as its own), else the one the panel is set to.
 */
export function writeFlavour(project: ComposeProject, existing: { composeVersion: string | null }[]): ComposeFlavour {
  const first = existing[0]
  return first === undefined ? project.writeAs : flavourOfVersion(first.composeVersion)
}
