/** Makes a service's image present: it is there, or we build it (from `build:`), or we pull it. */
import type Docker from 'dockerode'
import type { ServiceSpec } from './compose-model'
import { StackError } from './stack-error'
import { packBuildContext } from './build-context'

export interface ImageProgress {
  step: 'build' | 'pull'
  message: string
  current: number | null
  total: number | null
}

/** The image id if the image is on this engine, else null. */
export async function imageId(docker: Docker, image: string): Promise<string | null> {
  try {
    return (await docker.getImage(image).inspect()).Id
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null
    throw err
  }
}

/**
 * Returns the image id, building or pulling first when the image is missing; with `rebuild`,
 * a service with `build:` is built again even so (the engine's layer cache keeps an unchanged one quick).
 */
export async function ensureImage(
  docker: Docker,
  service: ServiceSpec,
  onProgress: (p: ImageProgress) => void,
  options: { rebuild?: boolean } = {}
): Promise<string> {
  const existing = options.rebuild === true && service.build !== null ? null : await imageId(docker, service.image)
  if (existing !== null) return existing
  if (service.build !== null) await build(docker, service, onProgress)
  else await pull(docker, service, onProgress)
  const id = await imageId(docker, service.image)
  if (id === null)
    throw new StackError(
      'ImageUnavailable',
      `Image ${service.image} is still missing after ${service.build ? 'the build' : 'the pull'}`,
      'Check the engine log.'
    )
  return id
}

async function build(docker: Docker, service: ServiceSpec, onProgress: (p: ImageProgress) => void): Promise<void> {
  const spec = service.build
  if (spec === null) return
  let context: NodeJS.ReadableStream
  try {
    context = packBuildContext(spec.context, spec.dockerfile ?? undefined)
  } catch (err) {
    throw new StackError(
      'BuildFailed',
      `Cannot read the build context ${spec.context} of service ${service.name}: ${(err as Error).message}`,
      'Fix `build.context` in compose.yaml.'
    )
  }
  onProgress({ step: 'build', message: `Building ${service.image} from ${spec.context}`, current: null, total: null })
  const stream = await docker.buildImage(context, {
    t: service.image,
    dockerfile: spec.dockerfile ?? undefined,
    target: spec.target ?? undefined,
    buildargs: spec.args,
    rm: true
  })
  await follow(docker, stream, (event) => {
    if (event.error !== undefined) return
    const text = (event.stream ?? event.status ?? '').trim()
    if (text !== '') onProgress({ step: 'build', message: text, current: null, total: null })
  }).catch((err: unknown) => {
    throw new StackError(
      'BuildFailed',
      `Building ${service.image} for service ${service.name} failed: ${(err as Error).message}`,
      `Run \`docker build ${spec.context}\` to see the whole build output.`
    )
  })
}

async function pull(docker: Docker, service: ServiceSpec, onProgress: (p: ImageProgress) => void): Promise<void> {
  onProgress({ step: 'pull', message: `Pulling ${service.image}`, current: null, total: null })
  const unavailable = (reason: string): StackError =>
    new StackError(
      'ImageUnavailable',
      `Image ${service.image} (service ${service.name}) is not on this machine and cannot be pulled: ${reason}`,
      'Without registry access, build the offline images (docker/offline/) or point the service at an image that exists here (.env.images).'
    )
  let stream: NodeJS.ReadableStream
  try {
    stream = await docker.pull(service.image)
  } catch (err) {
    throw unavailable(firstLine((err as { json?: { message?: string } }).json?.message ?? (err as Error).message))
  }
  await follow(docker, stream, (event) => {
    const detail = event.progressDetail
    onProgress({
      step: 'pull',
      message: [event.id, event.status].filter(Boolean).join(': '),
      current: detail?.current ?? null,
      total: detail?.total ?? null
    })
  }).catch((err: unknown) => {
    throw unavailable(firstLine((err as Error).message))
  })
}

/** One line of the engine's build, pull or push progress stream. */
export interface ProgressEvent {
  stream?: string
  status?: string
  id?: string
  error?: string
  errorDetail?: { message?: string }
  progressDetail?: { current?: number; total?: number }
  /** A push's last line: the digest the registry gave. */
  aux?: { Digest?: string }
}

/** Follows a progress stream to its end; an error line in it fails the whole. */
export function follow(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onEvent: (e: ProgressEvent) => void
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: ProgressEvent[]) => {
        const failed = output?.find((e) => e.error !== undefined)
        if (err !== null) reject(err)
        else if (failed !== undefined) reject(new Error(failed.errorDetail?.message ?? failed.error))
        else resolve()
      },
      onEvent
    )
  })
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text
}
