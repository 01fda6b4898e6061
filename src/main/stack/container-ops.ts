/** One container's lifecycle steps: create (with every network), wait for a condition, stop, remove. */
import type Docker from 'dockerode'
import type { ComposeProject, DependencyCondition, ServiceSpec } from './compose-model'
import { containerCreateOptions, extraNetworks } from './container-spec'
import type { ContainerIdentity } from './container-spec'
import { StackError } from './stack-error'
import { LABEL } from './compose-labels'

export async function createContainer(
  docker: Docker,
  project: ComposeProject,
  spec: ServiceSpec,
  number: number,
  identity: ContainerIdentity
): Promise<Docker.Container> {
  const container = await docker.createContainer(
    containerCreateOptions(project, spec, number, identity, await sharedNetworkMode(docker, project, spec))
  )
  for (const net of extraNetworks(project, spec)) {
    await docker.getNetwork(net.name).connect({ Container: container.id, EndpointConfig: { Aliases: net.aliases } })
  }
  return container
}

/** network_mode "service:x" → "container:<id of x's first running container>", as compose v1 does. */
async function sharedNetworkMode(docker: Docker, project: ComposeProject, spec: ServiceSpec): Promise<string | null> {
  const mode = spec.host.networkMode
  if (mode === null || !mode.startsWith('service:')) return null
  const shared = mode.slice('service:'.length)
  const running = await docker.listContainers({
    filters: { label: [`${LABEL.project}=${project.project}`, `${LABEL.service}=${shared}`], status: ['running'] }
  })
  const first = running.sort((a, b) => Number(a.Labels[LABEL.number]) - Number(b.Labels[LABEL.number]))[0]
  if (first === undefined) {
    throw new StackError(
      'ContainerFailed',
      `${spec.name} uses the network of ${shared}, which has no running container`,
      `Start ${shared} first.`
    )
  }
  return `container:${first.Id}`
}

/** Starts a container unless it already runs (304 from the engine is not an error). */
export async function startContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).start()
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 304) throw err
  }
}

/**
 * Stops with the service's stop signal (SIGTERM by default), giving it `graceSeconds` to
 * finish what it is doing (in-flight RPC calls) before the engine kills it.
 */
export async function stopGracefully(docker: Docker, id: string, graceSeconds: number): Promise<void> {
  try {
    await docker.getContainer(id).stop({ t: graceSeconds })
  } catch (err) {
    const code = (err as { statusCode?: number }).statusCode
    if (code !== 304 && code !== 404) throw err
  }
}

export async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: false })
  } catch (err) {
    const code = (err as { statusCode?: number }).statusCode
    if (code !== 404 && code !== 409) throw err
  }
}

/**
 * Waits until a container satisfies a depends_on condition. A service without a healthcheck
 * counts as healthy once it runs. Fails fast when the container exits (unless that is the
 * condition) or reports unhealthy.
 */
export async function waitForCondition(
  docker: Docker,
  id: string,
  name: string,
  condition: DependencyCondition,
  timeoutMs: number
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const info = await docker.getContainer(id).inspect()
    const state = info.State
    const health = state.Health?.Status
    if (condition === 'service_completed_successfully') {
      if (state.Status === 'exited' || state.Status === 'dead') {
        if (state.ExitCode === 0) return
        throw new StackError(
          'ContainerFailed',
          `${name} exited with code ${state.ExitCode}`,
          `See \`docker logs ${name}\`.`
        )
      }
    } else {
      if (state.Status === 'exited' || state.Status === 'dead') {
        throw new StackError(
          'ContainerFailed',
          `${name} exited with code ${state.ExitCode} while starting`,
          `See its logs (\`npm run deck -- logs\`, or \`docker logs ${name}\`).`
        )
      }
      if (state.Running && (condition === 'service_started' || health === undefined || health === 'healthy')) return
      if (health === 'unhealthy') {
        const last = state.Health?.Log?.at(-1)?.Output?.trim()
        throw new StackError(
          'ContainerFailed',
          `${name} is unhealthy${last ? `: ${last}` : ''}`,
          'Check its healthcheck and logs.'
        )
      }
    }
    if (Date.now() > deadline) {
      throw new StackError(
        'DependencyTimeout',
        `${name} did not become ${condition.replace('service_', '')} within ${Math.round(timeoutMs / 1000)} s`,
        'Check its logs; raise DECK_UP_TIMEOUT_MS if it is only slow.'
      )
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}
