/**
 * Resource use against the real engine: a container of our own that burns half a core (its
 * `cpus: 0.5` caps it) and holds ~60 MB shows that in the follow's readings; two clients
 * share one engine stream; and the stream closes at the engine when the last client stops.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ContainerStats, OperationName, OperationRequest, OperationResult, PanelEvent } from '../../src/shared/contract'
import { createPanel } from '../../src/main/panel-composition'
import type { Panel } from '../../src/main/panel-composition'
import { loadPanelConfig } from '../../src/main/controller/panel-config'
import { PanelSession } from '../../src/main/session/panel-session'
import { suffix } from '../engine/engine-fixture'
import { engineConnections } from '../support/engine-connections'

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

let panel: Panel
const sessions: PanelSession[] = []
function session(): { session: PanelSession; samples: ContainerStats[]; ends: string[] } {
  const samples: ContainerStats[] = []
  const ends: string[] = []
  const s = new PanelSession(panel.controller, (event: PanelEvent) => {
    if (event.event === 'statsSample') samples.push(event.payload.stats)
    if (event.event === 'statsEnd') ends.push(event.payload.reason)
  })
  sessions.push(s)
  return { session: s, samples, ends }
}

function call<K extends OperationName>(s: PanelSession, operation: K, request: OperationRequest<K>): Promise<OperationResult<K>> {
  return s.invoke(operation, request) as Promise<OperationResult<K>>
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
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
  const settings = loadPanelConfig(
    { DECK_COMPOSE_FILE: file, DECK_PROJECT: project, DECK_ENV_FILES: '', DECK_HOST_ACCESS_FILE: join(dir, 'host-access.json'), DECK_STATUS_REFRESH_MS: '60000' },
    dir
  )
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

it('shows the burn container at about half a core and its memory, and one engine stream serves two clients', async () => {
  const before = await steadyConnections()
  const one = session()
  const follow = await call(one.session, 'statsFollow', { service: 'burn' })
  expect(follow.ok).toBe(true)
  // The spin starts once the variable is filled; wait for readings of the spinning container.
  await until('readings of a spinning container', () => one.samples.filter((s) => s.cpuPercent > 20).length >= 3)
  const spinning = one.samples.filter((s) => s.cpuPercent > 20).slice(-3)
  for (const reading of spinning) {
    expect(reading.container).toMatch(/burn/)
    expect(reading.cpuPercent).toBeLessThan(75) // capped at 0.5 cores = 50 %
    expect(reading.memoryBytes).toBeGreaterThan(MEMORY_HELD * 0.8)
    expect(reading.memoryLimitBytes).toBe(256 * 1024 * 1024)
  }
  const mean = spinning.reduce((sum, s) => sum + s.cpuPercent, 0) / spinning.length
  expect(mean).toBeGreaterThan(25)
  // Throttled: at most one reading a second per container.
  const times = one.samples.map((s) => Date.parse(s.read))
  for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(900)

  const withOne = await steadyConnections()
  expect(withOne).toBe(before + 1)
  const two = session()
  const second = await call(two.session, 'statsFollow', { service: 'burn' })
  if (!second.ok) throw new Error(second.error.message)
  // The second client gets the history kept so far at once, then the same live readings.
  expect(second.value.history[0]?.readings.length).toBeGreaterThanOrEqual(3)
  await until('a live reading for the second client', () => two.samples.length >= 2)
  expect(await steadyConnections()).toBe(withOne)

  if (!follow.ok) return
  await call(one.session, 'statsUnfollow', { followId: follow.value.followId })
  expect(one.ends).toEqual(['stopped'])
  expect(await steadyConnections()).toBe(withOne)
  two.session.dispose()
  await until('the engine stream to close', () => engineConnections() <= before, 5000)
})

it('answers the host line: cores, memory and the service limits from compose.yaml', async () => {
  const { session: s } = session()
  const host = await call(s, 'hostInfo', {})
  if (!host.ok) throw new Error(host.error.message)
  expect(host.value.cores).toBeGreaterThanOrEqual(1)
  expect(host.value.memoryTotalBytes).toBeGreaterThan(0)
  expect(host.value.memoryAvailableBytes).toBeGreaterThan(0)
  expect(host.value.memoryAvailableBytes).toBeLessThanOrEqual(host.value.memoryTotalBytes)
  expect(host.value.containersRunning).toBeGreaterThanOrEqual(1)
  expect(host.value.serviceLimits['burn']).toEqual({ memoryBytes: 256 * 1024 * 1024, cpus: 0.5 })
})
