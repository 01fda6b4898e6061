/**
 * Before `up` creates anything: every host port the selected services publish must be free
 * (we try to bind it on its host IP, as the engine will). A taken port fails the whole `up`
 * up front, naming the service, the port, who holds it and the variable that moves it,
 * instead of the engine's "driver failed programming external connectivity" half-way through.
 * The same message is made from that engine error, should a port be taken in between.
 */
import { createServer } from 'node:net'
import { createSocket } from 'node:dgram'
import type Docker from 'dockerode'
import type { ComposeProject, PortSpec } from './compose-model'
import { listProjectContainers } from './project-containers'
import { describePortHolder } from './port-holder'
import { StackError } from './stack-error'

interface Conflict {
  service: string
  port: PortSpec & { published: number }
  holder: string | null
}

export async function assertPortsFree(docker: Docker, project: ComposeProject, services: string[]): Promise<void> {
  // Ports our own running containers publish are ours: up keeps or recreates those containers.
  const own = new Set(
    (await listProjectContainers(docker, project.project)).flatMap((c) => c.ports.map((p) => p.PublicPort))
  )
  const conflicts: Conflict[] = []
  for (const name of services) {
    for (const port of project.services.get(name)?.ports ?? []) {
      if (port.published === null || own.has(port.published)) continue
      const published = { ...port, published: port.published }
      if (!(await canBind(published)))
        conflicts.push({ service: name, port: published, holder: await describePortHolder(docker, port.published) })
    }
  }
  if (conflicts.length > 0) throw portInUse(conflicts)
}

/** Maps the engine's bind failure to PortInUse; other errors come back as they are. */
export async function portErrorFromEngine(
  docker: Docker,
  project: ComposeProject,
  service: string,
  err: unknown
): Promise<unknown> {
  const message = (err as Error | undefined)?.message ?? ''
  const taken =
    /(?:Bind for|listen (?:tcp|udp)[46]?) \[?([0-9a-f.:]*?)\]?:(\d+)(?: failed: port is already allocated|: bind: address already in use)/.exec(
      message
    )
  if (taken === null) return err
  const number = Number(taken[2])
  const spec = project.services.get(service)?.ports.find((p) => p.published === number)
  const port = {
    target: spec?.target ?? 0,
    protocol: spec?.protocol ?? null,
    hostIp: spec?.hostIp ?? (taken[1] || null),
    publishedVariable: spec?.publishedVariable ?? null,
    published: number
  }
  return portInUse([{ service, port, holder: await describePortHolder(docker, number) }])
}

function portInUse(conflicts: Conflict[]): StackError {
  const what = conflicts.map(
    (c) =>
      `${c.port.hostIp ?? '0.0.0.0'}:${c.port.published}${c.port.protocol === 'udp' ? '/udp' : ''} (service ${c.service}) is held by ${c.holder ?? 'something that does not say (the engine may have reserved it)'}`
  )
  const moves = conflicts.map((c) =>
    c.port.publishedVariable === null
      ? `change the published port of ${c.service} in the compose file`
      : `set ${c.port.publishedVariable} (in .env or the environment)`
  )
  return new StackError(
    'PortInUse',
    `${conflicts.length === 1 ? 'A port the stack publishes is' : 'Ports the stack publishes are'} already in use: ${what.join('; ')}. Nothing was started.`,
    `Stop what holds it, or move the stack's port: ${[...new Set(moves)].join('; ')}.`
  )
}

function canBind(port: PortSpec & { published: number }): Promise<boolean> {
  const host = port.hostIp ?? '0.0.0.0'
  if (port.protocol === 'udp') {
    return new Promise((resolve) => {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4')
      socket.once('error', () => resolve(false))
      socket.bind(port.published, host, () => socket.close(() => resolve(true)))
    })
  }
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRINUSE'))
    server.listen({ port: port.published, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}
