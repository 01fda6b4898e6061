/**
 * The loopback relay: how a stack on a swarm keeps its 127.0.0.1 ports on 127.0.0.1.
 * Swarm publishes a port on every interface (ingress, or host mode: the Engine API's
 * PortConfig has no address to bind), so a loopback port is not given to swarm at all.
 * Instead one plain container on the manager joins the stack's attachable overlay
 * networks, is published by the engine on 127.0.0.1 only (a container's HostIp binding
 * holds), and forwards each connection to the service by name (its tasks, dnsrr).
 */
import type Docker from 'dockerode'
import type { ComposeProject } from '../../compose-model'
import { STACK_LABEL, networkName, serviceNetworkKeys, stackLabels, stackResourceName } from './swarm-spec'

export interface RelayRoute {
  service: string
  /** The host address and port, as the file writes them. */
  hostIp: string
  published: number
  target: number
  /** The port the relay listens on inside its container. */
  listen: number
}

/** Ports the relay listens on inside its container: high, so a non-root user may bind them. */
const FIRST_LISTEN_PORT = 20_000

export const isLoopback = (ip: string | null): boolean =>
  ip !== null && (ip === 'localhost' || ip === '::1' || ip.startsWith('127.'))

/** The file's loopback TCP ports, one route each. */
export function relayRoutes(project: ComposeProject, services: string[] = [...project.services.keys()]): RelayRoute[] {
  const routes: RelayRoute[] = []
  for (const name of services) {
    for (const p of project.services.get(name)?.ports ?? []) {
      if (!isLoopback(p.hostIp) || p.published === null || (p.protocol ?? 'tcp') !== 'tcp') continue
      routes.push({
        service: name,
        hostIp: p.hostIp as string,
        published: p.published,
        target: p.target,
        listen: FIRST_LISTEN_PORT + routes.length
      })
    }
  }
  return routes
}

const relayContainerName = (stack: string): string => stackResourceName(stack, 'loopback-relay')

/**
 * A TCP forwarder, one server per route of RELAY_ROUTES ("listen=host:port,…"). Each
 * connection looks the service up again (following tasks as they move) and takes its tasks'
 * addresses in turn: the resolver sorts the dnsrr answer the same way every time, so the first
 * address alone would send every connection to one replica.
 */
const RELAY_SCRIPT = `
const net = require('node:net')
const dns = require('node:dns')
for (const route of (process.env.RELAY_ROUTES || '').split(',').filter(Boolean)) {
  const [listen, to] = route.split('=')
  const at = to.lastIndexOf(':')
  const host = to.slice(0, at), port = Number(to.slice(at + 1))
  let turn = 0
  net.createServer((client) => {
    client.pause()
    client.on('error', () => client.destroy())
    dns.lookup(host, { all: true }, (err, addresses) => {
      if (err || addresses.length === 0 || client.destroyed) return client.destroy()
      const upstream = net.connect(port, addresses[turn++ % addresses.length].address)
      const end = () => { client.destroy(); upstream.destroy() }
      upstream.on('error', end)
      client.on('close', end); upstream.on('close', end)
      client.pipe(upstream).pipe(client)
      client.resume()
    })
  }).listen(Number(listen))
}
`

function relayCreateOptions(
  project: ComposeProject,
  routes: RelayRoute[],
  image: string
): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {}
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {}
  for (const r of routes) {
    exposed[`${r.listen}/tcp`] = {}
    bindings[`${r.listen}/tcp`] = [
      { HostIp: r.hostIp === 'localhost' ? '127.0.0.1' : r.hostIp, HostPort: String(r.published) }
    ]
  }
  const networks = relayNetworks(project, routes)
  return {
    name: relayContainerName(project.project),
    Image: image,
    Cmd: ['node', '-e', RELAY_SCRIPT],
    Env: [`RELAY_ROUTES=${routes.map((r) => `${r.listen}=${r.service}:${r.target}`).join(',')}`],
    User: 'node',
    Labels: stackLabels(project.project, { [STACK_LABEL.relay]: 'true' }),
    ExposedPorts: exposed,
    HostConfig: {
      PortBindings: bindings,
      RestartPolicy: { Name: 'unless-stopped' },
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      Memory: 64 * 1024 * 1024,
      NetworkMode: networks[0]
    },
    NetworkingConfig: { EndpointsConfig: { [networks[0] as string]: {} } }
  }
}

/** The overlay networks the routes' services are on (the relay joins each). */
function relayNetworks(project: ComposeProject, routes: RelayRoute[]): string[] {
  const keys = new Set(routes.flatMap((r) => serviceNetworkKeys(project.services.get(r.service)!)))
  return [...keys].map((key) => networkName(project, key))
}

/** (Re)creates the relay for these routes: one container, started, on every network it needs. */
export async function startRelay(
  docker: Docker,
  project: ComposeProject,
  routes: RelayRoute[],
  image: string
): Promise<void> {
  await removeRelay(docker, project.project)
  if (routes.length === 0) return
  const container = await docker.createContainer(relayCreateOptions(project, routes, image))
  for (const network of relayNetworks(project, routes).slice(1))
    await docker.getNetwork(network).connect({ Container: container.id })
  await container.start()
}

export async function removeRelay(docker: Docker, stack: string): Promise<boolean> {
  try {
    await docker.getContainer(relayContainerName(stack)).remove({ force: true })
    return true
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false
    throw err
  }
}
