/**
 * Who holds a host port: a container publishing it (asked of the engine), else the process
 * listening on it, found the way `ss -ltnp` does (the socket's inode in /proc/net/tcp{,6},
 * then the process whose /proc/<pid>/fd links to that socket). Processes of other users are
 * invisible without root; then we say so rather than guess.
 */
import { basename } from 'node:path'
import { readFile, readdir, readlink } from 'node:fs/promises'
import type Docker from 'dockerode'

export async function describePortHolder(docker: Docker, port: number): Promise<string | null> {
  const containers = await docker.listContainers().catch(() => [])
  const container = containers.find((c) => c.Ports.some((p) => p.PublicPort === port))
  if (container !== undefined) {
    const name = (container.Names[0] ?? container.Id.slice(0, 12)).replace(/^\//, '')
    const project = container.Labels['com.docker.compose.project']
    return `container ${name}${project === undefined ? '' : ` (compose project ${project})`}`
  }
  const inodes = await listeningInodes(port)
  if (inodes.size === 0) return null
  const owner = await processWithSocket(inodes)
  return owner ?? 'a process this user cannot see (try `ss -ltnp` as root)'
}

/** Inodes of the TCP sockets listening on the port (state 0A), IPv4 and IPv6. */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '')
    for (const inode of parseListeners(text, port)) inodes.add(inode)
  }
  return inodes
}

/** The inode column of /proc/net/tcp lines whose local port is `port` and state LISTEN. */
export function parseListeners(table: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hexPort}`) === true && f[3] === '0A' && f[9] !== undefined && f[9] !== '0')
    .map((f) => f[9] as string)
}

async function processWithSocket(inodes: Set<string>): Promise<string | null> {
  const links = new Set([...inodes].map((i) => `socket:[${i}]`))
  const pids = (await readdir('/proc').catch(() => [])).filter((name) => /^\d+$/.test(name))
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [])
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')
      if (links.has(target)) {
        return `process ${await processName(pid)} (pid ${pid})`
      }
    }
  }
  return null
}

/**
 * The name a person knows the process by. `comm` is its main thread's name, which Node 22 and
 * later set to "MainThread" for every Node process; the program's own name is then argv[0].
 */
async function processName(pid: string): Promise<string> {
  const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim()
  if (comm !== 'MainThread') return comm
  const argv0 = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')[0] ?? ''
  return argv0 === '' ? comm : basename(argv0)
}
