/**
 * The stack's image registry on the manager, and putting an image in it: how every node of a
 * swarm gets the images that exist only on the manager (built from `build:`, or by the offline
 * image builder), pinned by the digest the push returned.
 *
 * It is a plain container on the manager, not a swarm service: a container's port binding
 * keeps its address (a service's published port binds every interface of every node, and
 * ingress needs IPVS, which some kernels lack), and the registry must sit beside the engine
 * that pushes into it. Workers pull from the address the nodes reach it by (DECK_SWARM_REGISTRY):
 * by default 127.0.0.1:5000, which only the manager reaches, and which every engine trusts over
 * plain HTTP (127.0.0.0/8 is an insecure registry by default): enough for one node and exposed
 * to nothing else. With more nodes it is the manager's address that workers reach, which they
 * list in their daemon's `insecure-registries`; only that address is bound, never 0.0.0.0.
 * Its blobs live in the volume `<stack>_registry`: kept by `down`, removed by `down --volumes`,
 * as the stack's other volumes are.
 */
import type Docker from 'dockerode'
import { StackError } from '../../stack-error'
import { follow } from '../../image-provider'
import { STACK_LABEL, stackLabels, stackResourceName } from './swarm-spec'

export interface RegistryAddress {
  /** The address the engine binds, and the nodes pull from. */
  host: string
  port: number
}

/** The port the registry listens on inside its container (registry.yml). */
const REGISTRY_CONTAINER_PORT = 5000

const registryContainerName = (stack: string): string => stackResourceName(stack, 'registry')
const registryVolumeName = (stack: string): string => stackResourceName(stack, 'registry')
export const registryHost = (address: RegistryAddress): string => `${address.host}:${address.port}`

/** DECK_SWARM_REGISTRY: "ip:port" (an address literal, so exactly that interface is bound). */
export function parseRegistryAddress(text: string | undefined): RegistryAddress {
  const value = text === undefined || text === '' ? '127.0.0.1:5000' : text
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(value)
  const port = Number(match?.[2])
  if (match === null || port < 1 || port > 65535) {
    throw new Error(
      `DECK_SWARM_REGISTRY is the registry's "ip:port" on the manager (default 127.0.0.1:5000), got "${value}"`
    )
  }
  return { host: match[1] as string, port }
}

export function registryCreateOptions(
  stack: string,
  image: string,
  address: RegistryAddress
): Docker.ContainerCreateOptions {
  const port = `${REGISTRY_CONTAINER_PORT}/tcp`
  return {
    name: registryContainerName(stack),
    Image: image,
    Labels: stackLabels(stack, { [STACK_LABEL.registry]: registryHost(address) }),
    ExposedPorts: { [port]: {} },
    HostConfig: {
      PortBindings: { [port]: [{ HostIp: address.host, HostPort: String(address.port) }] },
      Mounts: [
        {
          Type: 'volume',
          Source: registryVolumeName(stack),
          Target: '/var/lib/docker-registry',
          VolumeOptions: { Labels: stackLabels(stack) } as Docker.MountSettings['VolumeOptions']
        }
      ],
      RestartPolicy: { Name: 'unless-stopped' },
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      Memory: 256 * 1024 * 1024
    }
  }
}

/** Starts the stack's registry unless it runs already at this address; says whether it started one. */
export async function startRegistry(
  docker: Docker,
  stack: string,
  image: string,
  address: RegistryAddress
): Promise<boolean> {
  const current = await docker
    .getContainer(registryContainerName(stack))
    .inspect()
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) return null
      throw err
    })
  if (
    current !== null &&
    current.State.Running &&
    current.Config.Labels[STACK_LABEL.registry] === registryHost(address)
  )
    return false
  await removeRegistry(docker, stack)
  const container = await docker.createContainer(registryCreateOptions(stack, image, address))
  try {
    await container.start()
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined)
    if (/already allocated|address already in use|cannot assign requested address/i.test((err as Error).message)) {
      throw new StackError(
        'PortInUse',
        `The stack's registry cannot listen on ${registryHost(address)}: ${(err as Error).message.split('\n')[0]}`,
        'Set DECK_SWARM_REGISTRY to a free ip:port on the manager.'
      )
    }
    throw err
  }
  return true
}

/**
 * Removes the stack's registry container, and the engine's names for images in it (the push
 * made them; they point at a registry that is gone). Only names: an image another name still
 * holds stays, and one in use by a container is left alone.
 */
export async function removeRegistry(docker: Docker, stack: string): Promise<boolean> {
  const container = docker.getContainer(registryContainerName(stack))
  let host: string | undefined
  try {
    host = (await container.inspect()).Config.Labels[STACK_LABEL.registry]
    await container.remove({ force: true })
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false
    throw err
  }
  if (host !== undefined) {
    // Tags and digest references both: an image rolled past keeps only its digest reference.
    const names = (await docker.listImages({ digests: true }))
      .flatMap((i) => [...(i.RepoTags ?? []), ...(i.RepoDigests ?? [])])
      .filter((t) => t.startsWith(`${host}/`))
    for (const name of names)
      await docker
        .getImage(name)
        .remove({ noprune: true })
        .catch(() => undefined)
  }
  return true
}

/** `name[:tag]` → the repository and tag it gets in the stack's registry (its own registry host dropped). */
export function registryReference(address: RegistryAddress, image: string): { repo: string; tag: string } {
  const name = image.split('@')[0] as string
  const slash = name.lastIndexOf('/')
  const colon = name.lastIndexOf(':')
  const [path, tag] = colon > slash ? [name.slice(0, colon), name.slice(colon + 1)] : [name, 'latest']
  const parts = path.split('/')
  const first = parts[0] as string
  const ownHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')
  return { repo: `${registryHost(address)}/${(ownHost ? parts.slice(1) : parts).join('/')}`, tag }
}

/**
 * The digest reference an image can be pulled by from where it came from, if any: a repo
 * digest of a registry other than a loopback one (one on 127.x is reachable by its own node only,
 * so an image known there is pushed to the stack's registry like one built here).
 */
export function pullableDigest(repoDigests: readonly string[]): string | null {
  return repoDigests.find((d) => !/^(127\.|localhost[:/]|\[::1\])/.test(d)) ?? null
}

export interface PushProgress {
  message: string
  current: number | null
  total: number | null
}

/**
 * Tags the image as `repo:tag` and pushes it; returns `repo@sha256:…`, the digest the
 * registry gave. A registry that has just started may refuse connections for a moment (or its
 * port's proxy accepts and closes them: "server closed idle connection", seen in CI), so such
 * a push is tried again for a few seconds.
 */
export async function pushImage(
  docker: Docker,
  imageId: string,
  ref: { repo: string; tag: string },
  onProgress: (p: PushProgress) => void,
  readyTimeoutMs = 15_000
): Promise<string> {
  await docker.getImage(imageId).tag({ repo: ref.repo, tag: ref.tag })
  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    try {
      return `${ref.repo}@${await pushOnce(docker, ref, onProgress)}`
    } catch (err) {
      const message = (err as Error).message
      if (!/connection refused|connection reset|closed idle connection|EOF/i.test(message) || Date.now() > deadline) {
        throw new StackError(
          'ImageUnavailable',
          `Pushing ${ref.repo}:${ref.tag} to the stack's registry failed: ${message.split('\n')[0]}`,
          "See the log of the stack's registry container (`docker logs <stack>_registry`); with more than one node, check DECK_SWARM_REGISTRY."
        )
      }
      await new Promise((r) => setTimeout(r, 300))
    }
  }
}

async function pushOnce(
  docker: Docker,
  ref: { repo: string; tag: string },
  onProgress: (p: PushProgress) => void
): Promise<string> {
  // The engine wants an X-Registry-Auth header even for a registry without auth: an empty one.
  const stream = await docker.getImage(ref.repo).push({ tag: ref.tag, authconfig: {} as Docker.AuthConfig })
  let digest: string | null = null
  await follow(docker, stream, (event) => {
    if (event.aux?.Digest !== undefined) digest = event.aux.Digest
    if (event.error !== undefined) return
    onProgress({
      message: [event.id, event.status].filter(Boolean).join(': '),
      current: event.progressDetail?.current ?? null,
      total: event.progressDetail?.total ?? null
    })
  })
  if (digest === null) throw new Error(`the registry answered no digest for ${ref.repo}:${ref.tag}`)
  return digest
}
