/**
 * Two Docker engines of a test's own making, each in a container of the dind image
 * (Debian's docker.io, built by the offline image builder), on a bridge network of the test's
 * own, formed into a swarm: one manager, one worker. The shared engine's swarm state is never
 * touched. Each engine is reached through its unix socket, which dockerd also listens on in a
 * host temp dir mounted into its container. Both engines trust the pair's subnet as an
 * insecure registry (the stack's registry on the manager, at the manager's address there).
 * The manager's `loopbackPorts` are carried from the host's 127.0.0.1 to the manager's own
 * 127.0.0.1, where the panel's loopback relay publishes the stack: socat in the manager's
 * container from its address to its loopback, and, once `forwardLoopback()` is called (after
 * the panel's up, which checks those ports are free here), a forwarder in this process from
 * the host's 127.0.0.1 to the manager's address. `remove()` takes away every container, volume, network and
 * directory this made, whatever state a failed test left.
 */
import { execFileSync, spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'
import type { Server } from 'node:net'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { waitFor } from '../engine/engine-fixture'
import { ENV_IMAGES_FILE, readEnvFile } from '../stack/compose-project'

/** DIND_IMAGE from the environment, else the one the offline image builder wrote to .env.images. */
export const DIND_IMAGE =
  process.env['DIND_IMAGE'] ||
  (existsSync(ENV_IMAGES_FILE) ? readEnvFile(ENV_IMAGES_FILE)['DIND_IMAGE'] : undefined) ||
  'scrapedeck/dind:bookworm'

const host = new Docker()

/** Why the pair cannot be made here, or null when it can. */
export async function dindPairUnavailableReason(): Promise<string | null> {
  try {
    await host.ping()
  } catch (err) {
    return `the Docker engine is not reachable (${(err as Error).message})`
  }
  try {
    await host.getImage(DIND_IMAGE).inspect()
    return null
  } catch {
    return `the dind image ${DIND_IMAGE} is not built (docker/offline/build-images.sh builds it; DIND_IMAGE names another)`
  }
}

export interface DindNode {
  name: string
  /** Its address on the pair's network: what the swarm advertises and joins on. */
  address: string
  /** unix://… for DOCKER_HOST. */
  endpoint: string
  engine: Docker
  /** Runs the docker CLI against this engine (for `exec` into a task's container). */
  cli(...args: string[]): string
}

export interface DindPairOptions {
  /** Ports the host's 127.0.0.1 reaches on the manager's 127.0.0.1. */
  loopbackPorts?: number[]
}

export class DindPair {
  readonly label = `sddind${Math.random().toString(36).slice(2, 7)}`
  readonly network = `${this.label}-net`
  private dir = ''
  private readonly made: string[] = []
  private networkMade = false
  private subnet = ''
  private readonly forwarders: Server[] = []
  manager!: DindNode
  worker!: DindNode

  constructor(private readonly options: DindPairOptions = {}) {}

  /** Starts both engines and joins the worker to the manager's new swarm. */
  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'deck-dind-'))
    await host.createNetwork({ Name: this.network, Driver: 'bridge', Labels: { 'scrapedeck.test': this.label } })
    this.networkMade = true
    const ipam = (await host.getNetwork(this.network).inspect()) as { IPAM: { Config: Array<{ Subnet: string }> } }
    this.subnet = ipam.IPAM.Config[0]?.Subnet ?? ''
    if (this.subnet === '') throw new Error(`${this.network} has no subnet`)
    const loopbackPorts = this.options.loopbackPorts ?? []
    this.manager = await this.startNode('manager')
    this.worker = await this.startNode('worker')
    for (const port of loopbackPorts) {
      await this.execDetached(this.manager.name, [
        'socat',
        `TCP-LISTEN:${port},bind=${this.manager.address},fork,reuseaddr`,
        `TCP:127.0.0.1:${port}`
      ])
    }
    await this.manager.engine.swarmInit({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: this.manager.address })
    const swarm = (await this.manager.engine.swarmInspect()) as { JoinTokens: { Worker: string } }
    await this.worker.engine.swarmJoin({
      ListenAddr: '0.0.0.0:2377',
      AdvertiseAddr: this.worker.address,
      RemoteAddrs: [`${this.manager.address}:2377`],
      JoinToken: swarm.JoinTokens.Worker
    })
    await waitFor(
      'both nodes ready',
      async () => {
        const nodes = (await this.manager.engine.listNodes()) as Array<{ Status: { State: string } }>
        return nodes.length === 2 && nodes.every((n) => n.Status.State === 'ready')
      },
      60_000,
      500
    )
  }

  /**
   * Copies images from the shared engine into the given engines (no registry needed), in one
   * stream per engine, so the layers they share (Debian's, the node image's) are sent once.
   */
  async loadImages(names: string[], nodes: DindNode[] = [this.manager, this.worker]): Promise<void> {
    for (const node of nodes) {
      // `docker save` of several names: the engine's /images/get, which dockerode's types lack.
      const save = spawn('docker', ['save', ...names], { stdio: ['ignore', 'pipe', 'inherit'] })
      const saved = new Promise<number | null>((resolve) => save.once('close', resolve))
      const result = await node.engine.loadImage(save.stdout)
      await new Promise<void>((resolve, reject) =>
        node.engine.modem.followProgress(result, (err: Error | null) => (err ? reject(err) : resolve()))
      )
      const code = await saved
      if (code !== 0) throw new Error(`docker save ${names.join(' ')} exited with ${code}`)
    }
  }

  /** Listens on the host's 127.0.0.1 at each of the `loopbackPorts`, forwarding to the manager's. */
  async forwardLoopback(): Promise<void> {
    for (const port of this.options.loopbackPorts ?? []) {
      const server = createServer((client) => {
        const upstream = connect(port, this.manager.address)
        const end = (): void => {
          client.destroy()
          upstream.destroy()
        }
        client.on('error', end).on('close', end)
        upstream.on('error', end).on('close', end)
        client.pipe(upstream).pipe(client)
      })
      this.forwarders.push(server)
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve))
    }
  }

  async remove(): Promise<void> {
    for (const server of this.forwarders.splice(0)) await new Promise((resolve) => server.close(resolve))
    for (const name of this.made.splice(0)) {
      try {
        await host.getContainer(name).remove({ force: true, v: true })
      } catch {
        // never created or already gone
      }
    }
    if (this.networkMade) await host.getNetwork(this.network).remove()
    this.networkMade = false
    // The engines wrote their sockets as root; the test runs as root too.
    if (this.dir !== '') rmSync(this.dir, { recursive: true, force: true })
  }

  private async execDetached(container: string, cmd: string[]): Promise<void> {
    const exec = await host.getContainer(container).exec({ Cmd: cmd })
    await exec.start({ Detach: true })
  }

  private async startNode(role: string): Promise<DindNode> {
    const name = `${this.label}-${role}`
    const socketDir = join(this.dir, role)
    this.made.push(name)
    const container = await host.createContainer({
      name,
      Hostname: name,
      Image: DIND_IMAGE,
      // The entrypoint passes these to dockerd: a second socket, in the mounted host dir.
      Cmd: ['-H', 'unix:///dind-sock/docker.sock', '--insecure-registry', this.subnet],
      Labels: { 'scrapedeck.test': this.label },
      HostConfig: {
        // Not Privileged: this engine refuses it ("unable to apply caps: operation not
        // permitted"). What dockerd needs, and a writable cgroup tree. SYS_PTRACE: without it
        // runc cannot join the namespaces of a container running as another user, so every
        // exec and healthcheck in the stack's (non-root) services fails with "error executing
        // setns process: exit status 1".
        CapAdd: ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE'],
        SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
        Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw', `${socketDir}:/dind-sock`],
        NetworkMode: this.network
      }
    })
    await container.start()
    const info = await container.inspect()
    const address = info.NetworkSettings.Networks[this.network]?.IPAddress
    if (!address) throw new Error(`${name} has no address on ${this.network}`)
    const socket = join(socketDir, 'docker.sock')
    const engine = new Docker({ socketPath: socket })
    await waitFor(
      `the ${role} engine in ${name}`,
      async () => {
        try {
          return (await engine.ping()) !== undefined
        } catch {
          return false
        }
      },
      60_000,
      300
    )
    const endpoint = `unix://${socket}`
    const cli = (...args: string[]): string =>
      execFileSync('docker', args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, DOCKER_HOST: endpoint }
      }).trim()
    return { name, address, endpoint, engine, cli }
  }
}
