/**
 * Engine gone and back: the controller is pointed at a second dockerd this test starts on
 * its own socket and data root (so the shared engine is never stopped), which the test
 * then stops and starts again.
 */
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Docker from 'dockerode'
import { PanelUnderTest } from '../support/panel-under-test'
import { SecondDockerd, secondDockerdUnavailableReason } from '../support/second-dockerd'
import { startupPanelConfig } from '../support/panel-settings'
import type { EngineConnectivity, StackStatus } from '../../src/shared/contract'
import { REPO, STACK_FILE, suffix, waitFor } from './engine-fixture'
import { requiredPart } from '../support/required-part'

const dockerd = new SecondDockerd()
const { socket, endpoint } = dockerd
let controller: PanelUnderTest
const engineEvents: EngineConnectivity[] = []
const statuses: StackStatus[] = []
const project = `deckreconnect${suffix()}`
const noDockerd = requiredPart('a dockerd binary', secondDockerdUnavailableReason())
const haveDockerd = noDockerd === null

beforeAll(async () => {
  if (!haveDockerd) return
  await dockerd.start()
  controller = new PanelUnderTest({
    ...startupPanelConfig({ DECK_COMPOSE_FILE: STACK_FILE, DECK_PROJECT: project, DOCKER_HOST: endpoint }, REPO),
    statusRefreshMs: 60_000
  })
  controller.on('engine', (e) => engineEvents.push(e))
  controller.on('status', (s) => statuses.push(s))
  await controller.start({ metrics: false })
}, 60_000)

afterAll(async () => {
  await controller?.close()
  await dockerd.remove()
})

describe.skipIf(!haveDockerd)('Docker engine unreachable and back', () => {
  it('starts connected', async () => {
    const status = await controller.invoke('status', {})
    expect(status.ok && status.value.engine).toMatchObject({ state: 'connected', endpoint })
  })

  it('says plainly that the engine is gone (and where it looked), and operations fail as values', async () => {
    await dockerd.stop()
    const gone = await waitFor(
      'an unreachable engine event',
      () => engineEvents.find((e) => e.state === 'unreachable'),
      10_000,
      50
    )
    expect(gone.message).toContain(endpoint)
    const status = await controller.invoke('status', {})
    if (!status.ok) throw new Error(status.error.message)
    expect(status.value.engine.state).toBe('unreachable')
    expect(status.value.engine.message).toMatch(new RegExp(`No Docker engine answers at ${endpoint}`))
    expect(status.value.services.map((s) => s.state)).toEqual(['down', 'down', 'down'])
    const up = await controller.invoke('scale', { service: 'sleeper', replicas: 1 })
    expect(up).toMatchObject({ ok: false, error: { kind: 'EngineUnavailable' } })
    if (!up.ok) expect(up.error.message).toContain(endpoint)
  })

  it('reconnects by itself when the engine is back, and events flow again', async () => {
    const before = engineEvents.length
    await dockerd.start()
    await waitFor(
      'a connected engine event',
      () => engineEvents.slice(before).find((e) => e.state === 'connected'),
      15_000,
      50
    )
    // A container of our project made behind the panel's back shows up through the events stream.
    const docker = new Docker({ socketPath: socket })
    const image = await new Promise<string>((resolve, reject) => {
      // An empty image is enough to create (not run) a container.
      const tar = spawn('tar', ['-cf', '-', '--files-from', '/dev/null'])
      docker.importImage(
        tar.stdout,
        { repo: 'deck-empty', tag: '1' },
        (err: unknown, stream?: NodeJS.ReadableStream) => {
          if (err || stream === undefined) reject(err instanceof Error ? err : new Error('import failed'))
          else docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve('deck-empty:1')))
        }
      )
    })
    const seenBefore = statuses.length
    await docker.createContainer({
      Image: image,
      Cmd: ['/nothing'],
      name: `${project}_sleeper_1`,
      Labels: {
        'com.docker.compose.project': project,
        'com.docker.compose.service': 'sleeper',
        'com.docker.compose.container-number': '1',
        'com.docker.compose.oneoff': 'False'
      }
    })
    const pushed = await waitFor(
      'a status push with the new container',
      () =>
        statuses.slice(seenBefore).find((s) => s.services.find((x) => x.name === 'sleeper')?.containers.length === 1),
      5000,
      20
    )
    expect(pushed.engine.state).toBe('connected')
    expect(pushed.services.find((x) => x.name === 'sleeper')?.containers[0]).toMatchObject({
      name: `${project}_sleeper_1`,
      state: 'created'
    })
  })
})
