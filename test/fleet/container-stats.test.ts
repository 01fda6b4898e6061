/**
 * Resource use against the real engine: a container of our own that spins (its `cpus: 0.5`
 * caps it at half a core) and holds ~60 MB shows that in the follow's readings, its CPU within
 * tolerance of the kernel's own accounting; two clients
 * share one engine stream; the stream closes at the engine when the last client stops; and
 * the desktop app's notifier, over an in-process session, says when the container is killed.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { execFileSync, spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type {
  ContainerStats,
  OperationName,
  OperationRequest,
  OperationResult,
  PanelEvent
} from '../../src/shared/contract'
import { createPanel } from '../../src/main/panel-composition'
import type { Panel } from '../../src/main/panel-composition'
import { startupPanelConfig } from '../support/panel-settings'
import { PanelSession } from '../../src/main/session/panel-session'
import { REPO, suffix } from '../engine/engine-fixture'
import { engineConnections } from '../support/engine-connections'
import { inProcessApi } from '../../src/main/notifications/in-process-api'
import { startNotifier } from '../../src/shared/notifications/panel-notifier'
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../src/shared/notifications/notification-settings'
import type { PanelNotice } from '../../src/shared/notifications/notification-settings'

const dir = mkdtempSync(join(tmpdir(), 'deck-stats-'))
const file = join(dir, 'compose.yaml')
const project = `deckstats${suffix()}`
const MEMORY_HELD = 60_000_000
writeFileSync(
  file,
  `services:
  burn:
    image: scrapedeck/debian:bookworm
    # Holds ${MEMORY_HELD} bytes in a shell variable and spins; cpus caps the spin at half a core.
    command: ["sh", "-c", "x=$$(head -c ${MEMORY_HELD} /dev/zero | tr '\\\\0' a); while :; do :; done"]
    init: true
    cpus: 0.5
    mem_limit: 256m
`
)

const env = {
  DECK_COMPOSE_FILE: file,
  DECK_PROJECT: project,
  DECK_ENV_FILES: '',
  DECK_HOST_ACCESS_FILE: join(dir, 'host-access.json'),
  DECK_STATUS_REFRESH_MS: '60000'
}
let panel: Panel
const sessions: PanelSession[] = []
/** A client: the first items of its stats stream (the kept history), the live readings after them, and its ends. */
function session(): { session: PanelSession; first: ContainerStats[][]; samples: ContainerStats[]; ends: string[] } {
  const first: ContainerStats[][] = []
  const samples: ContainerStats[] = []
  const ends: string[] = []
  const s = new PanelSession(panel.controller, (event: PanelEvent) => {
    if (event.event === 'streamData' && event.payload.kind === 'stats') {
      if (first.length === 0) first.push(event.payload.items)
      else samples.push(...event.payload.items)
    }
    if (event.event === 'streamEnd') ends.push(event.payload.reason)
  })
  sessions.push(s)
  return { session: s, first, samples, ends }
}

function call<K extends OperationName>(
  s: PanelSession,
  operation: K,
  request: OperationRequest<K>
): Promise<OperationResult<K>> {
  return s.invoke(operation, request) as Promise<OperationResult<K>>
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The container's CPU time so far, in ns, from its cgroup (v1 cpuacct, or v2 cpu.stat). */
function cgroupCpuNs(id: string): number {
  const v1 = `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`
  if (existsSync(v1)) return Number(readFileSync(v1, 'utf8').trim())
  const v2 = [`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, `/sys/fs/cgroup/docker/${id}/cpu.stat`].find(
    (p) => existsSync(p)
  )
  if (v2 === undefined) throw new Error(`no cgroup CPU accounting found for container ${id}`)
  return Number(/^usage_usec (\d+)$/m.exec(readFileSync(v2, 'utf8'))?.[1] ?? NaN) * 1000
}

/** The fewest engine connections over a second: the engine heartbeat's requests come and go. */
async function steadyConnections(): Promise<number> {
  let least = Infinity
  for (let i = 0; i < 5; i++) {
    least = Math.min(least, engineConnections())
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return least
}

beforeAll(async () => {
  // Without keep-alive, a connection to the engine lives only as long as its request: what is
  // left open between requests is the status monitor's event stream and the stats streams.
  http.globalAgent = new http.Agent({ keepAlive: false })
  const settings = startupPanelConfig(env, dir)
  panel = createPanel(settings)
  await panel.controller.start({ metrics: false })
  const { session: s } = session()
  const up = await call(s, 'up', {})
  if (!up.ok) throw new Error(`up failed: ${up.error.message}`)
})

afterAll(async () => {
  for (const s of sessions) s.dispose()
  const s = new PanelSession(panel.controller, () => undefined)
  await call(s, 'down', { removeVolumes: true })
  await panel.close()
})

it("shows the spinning container's CPU as the kernel counts it and its memory, and one engine stream serves two clients", async () => {
  const before = await steadyConnections()
  const one = session()
  const follow = await call(one.session, 'streamOpen', { kind: 'stats', params: { service: 'burn' } })
  expect(follow.ok).toBe(true)
  // The spin starts once the variable is filled: wait for readings that hold the memory.
  const holding = (): ContainerStats[] => one.samples.filter((r) => r.memoryBytes > MEMORY_HELD * 0.8)
  await until('readings of the container holding its memory', () => holding().length >= 2)
  for (const reading of holding()) {
    expect(reading.container).toMatch(/burn/)
    expect(reading.memoryLimitBytes).toBe(256 * 1024 * 1024)
  }
  // CPU: what the readings say over a few seconds against the kernel's own count of the
  // container's CPU time over the same seconds (the machine is shared, so the spin gets what
  // the scheduler leaves it, at most its half core).
  const status = await call(one.session, 'status', {})
  if (!status.ok) throw new Error(status.error.message)
  const id = status.value.services.find((s) => s.name === 'burn')?.containers[0]?.id ?? ''
  const t0 = { at: Date.now(), cpuNs: cgroupCpuNs(id) }
  const from = one.samples.length
  await new Promise((resolve) => setTimeout(resolve, 5000))
  const t1 = { at: Date.now(), cpuNs: cgroupCpuNs(id) }
  const window = one.samples.slice(from + 1)
  expect(window.length).toBeGreaterThanOrEqual(3)
  const kernelPercent = ((t1.cpuNs - t0.cpuNs) / 1e6 / (t1.at - t0.at)) * 100
  const oursPercent = window.reduce((sum, r) => sum + r.cpuPercent, 0) / window.length
  console.log(
    `burn container: readings ${oursPercent.toFixed(1)} % CPU, kernel ${kernelPercent.toFixed(1)} % over ${t1.at - t0.at} ms`
  )
  expect(kernelPercent).toBeGreaterThan(2)
  expect(oursPercent).toBeLessThan(75) // capped at 0.5 cores = 50 %
  expect(Math.abs(oursPercent - kernelPercent)).toBeLessThan(Math.max(5, kernelPercent * 0.35))
  // Throttled: at most one reading a second per container.
  const times = one.samples.map((s) => Date.parse(s.read))
  for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(900)

  const withOne = await steadyConnections()
  expect(withOne).toBe(before + 1)
  const two = session()
  const second = await call(two.session, 'streamOpen', { kind: 'stats', params: { service: 'burn' } })
  if (!second.ok) throw new Error(second.error.message)
  // The second client gets the history kept so far at once, then the same live readings.
  expect(two.first[0]?.length).toBeGreaterThanOrEqual(3)
  expect(two.first[0]?.every((r) => r.service === 'burn')).toBe(true)
  await until('a live reading for the second client', () => two.samples.length >= 2)
  expect(await steadyConnections()).toBe(withOne)

  if (!follow.ok) return
  expect(await call(one.session, 'streamClose', { streamId: follow.value.streamId })).toEqual({
    ok: true,
    value: { closed: true }
  })
  expect(one.ends).toEqual(['closed'])
  expect(await steadyConnections()).toBe(withOne)
  two.session.dispose()
  await until('the engine stream to close', () => engineConnections() <= before, 5000)
})

it('answers the host line: cores, memory and the service limits from compose.yaml', async () => {
  const { session: s } = session()
  const host = await call(s, 'hostInfo', {})
  if (!host.ok) throw new Error(host.error.message)
  expect(host.value.cores).toBeGreaterThanOrEqual(1)
  expect(host.value.cpuBusyCores).toBeGreaterThanOrEqual(0)
  expect(host.value.cpuBusyCores).toBeLessThanOrEqual(host.value.cores)
  expect(host.value.memoryTotalBytes).toBeGreaterThan(0)
  expect(host.value.memoryAvailableBytes).toBeGreaterThan(0)
  expect(host.value.memoryAvailableBytes).toBeLessThanOrEqual(host.value.memoryTotalBytes)
  expect(host.value.containersRunning).toBeGreaterThanOrEqual(1)
  expect(host.value.serviceLimits['burn']).toEqual({ memoryBytes: 256 * 1024 * 1024, cpus: 0.5 })
})

it('deck stats burn --follow --json prints a reading a line until Ctrl-C, then exits 0', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main/cli/deck.ts', 'stats', 'burn', '--follow', '--json'],
    {
      cwd: REPO,
      env: { ...process.env, ...env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const readings = (): ContainerStats[] =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as ContainerStats)
  try {
    await until('three live readings from deck', () => readings().length >= 3, 30_000)
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`${(err as Error).message}; stderr: ${stderr}`)
  }
  child.kill('SIGINT')
  expect(await exited).toBe(0)
  const last = readings().at(-1)
  expect(last?.service).toBe('burn')
  expect(last?.cpuPercent).toBeGreaterThan(0)
  expect(last?.memoryBytes).toBeGreaterThan(MEMORY_HELD * 0.8)
})

it("the desktop app's notifier (over an in-process session) says so when the container is killed outside the panel", async () => {
  const api = inProcessApi(panel.controller)
  const shown: PanelNotice[] = []
  const stop = startNotifier({
    api,
    settings: () => DEFAULT_NOTIFICATION_SETTINGS,
    show: (notice) => shown.push(notice),
    crawlPollMs: 60_000
  })
  try {
    const status = await api.invoke('status', {})
    if (!status.ok) throw new Error(status.error.message)
    const burn = status.value.services.find((s) => s.name === 'burn')?.containers[0]
    if (burn === undefined) throw new Error('no burn container')
    // The notifier takes the stack as it is when it starts as its baseline (its own status call).
    await new Promise((resolve) => setTimeout(resolve, 500))
    execFileSync('docker', ['kill', burn.name])
    await until('the exit notice', () => shown.some((n) => n.kind === 'containerExited'), 20_000)
    expect(shown.find((n) => n.kind === 'containerExited')).toMatchObject({
      title: `${burn.name} exited`,
      tag: `exited-${burn.name}`
    })
  } finally {
    stop()
    api.dispose()
  }
})
