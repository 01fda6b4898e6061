/**
 * The panel and docker-compose v1 share stacks: the panel adopts what `docker-compose up`
 * started (including its scale). And a bad file or a missing image touches nothing.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PanelUnderTest } from '../support/panel-under-test'
import { loadPanelConfig } from '../../src/main/controller/panel-config'
import { dockerCompose, fixtureStack, REPO, removeProject, suffix } from './engine-fixture'
import type { FixtureStack } from './engine-fixture'

function projectObjects(project: string): string {
  const containers = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], { encoding: 'utf8' }).trim()
  const networks = execFileSync('docker', ['network', 'ls', '-q', '--filter', `name=${project}_`], { encoding: 'utf8' }).trim()
  return containers + networks
}

describe('the panel adopts a stack docker-compose v1 started', () => {
  let stack: FixtureStack
  let controller: PanelUnderTest

  beforeAll(async () => {
    stack = await fixtureStack('adopt')
    dockerCompose(stack, ['up', '-d', '--scale', 'sleeper=2', 'sleeper'])
    controller = new PanelUnderTest(stack.config)
  }, 120_000)

  afterAll(async () => {
    await controller?.close()
    if (stack !== undefined) removeProject(stack.project)
  })

  it('sees compose-made containers with their scale, as up to date', async () => {
    const status = await controller.invoke('status', {})
    if (!status.ok) throw new Error(status.error.message)
    const sleeper = status.value.services.find((s) => s.name === 'sleeper')
    expect(sleeper).toMatchObject({ desiredReplicas: 2, runningReplicas: 2 })
    expect(sleeper?.containers.map((c) => [c.name, c.upToDate])).toEqual([
      [`${stack.project}_sleeper_1`, true],
      [`${stack.project}_sleeper_2`, true]
    ])
    expect(status.value.services.find((s) => s.name === 'echo')).toMatchObject({ runningReplicas: 0, state: 'down' })
  })

  it('scales the adopted service with the next container number, and compose sees it', async () => {
    const result = await controller.invoke('scale', { service: 'sleeper', replicas: 3 })
    expect(result).toMatchObject({ ok: true, value: { summary: [`created ${stack.project}_sleeper_3`] } })
    const ps = dockerCompose(stack, ['ps', '--services', '--filter', 'status=running'])
    expect(ps.trim()).toBe('sleeper')
    expect(dockerCompose(stack, ['ps', '-q', 'sleeper']).trim().split('\n')).toHaveLength(3)
  })

  it('takes the compose-made stack down, network included', async () => {
    const result = await controller.invoke('down', {})
    expect(result.ok).toBe(true)
    expect(projectObjects(stack.project)).toBe('')
  })
})

describe('nothing is touched when the file or an image is bad', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deck-bad-'))
  const controllers: PanelUnderTest[] = []
  const controllerFor = (file: string, project: string): PanelUnderTest => {
    const c = new PanelUnderTest(loadPanelConfig({ DECK_COMPOSE_FILE: file, DECK_PROJECT: project }, REPO))
    controllers.push(c)
    return c
  }
  afterAll(async () => {
    for (const c of controllers) await c.close()
  })

  it('a malformed compose file: error with file, line and key; no container, no network', async () => {
    const file = join(dir, 'compose.yaml')
    writeFileSync(file, 'services:\n  ok:\n    image: scrapedeck/debian:bookworm\n  bad:\n    image: scrapedeck/debian:bookworm\n    deploy:\n      replicas: lots\n')
    const project = `deckbad${suffix()}`
    const controller = controllerFor(file, project)
    const up = await controller.invoke('up', {})
    expect(up).toMatchObject({ ok: false, error: { kind: 'ComposeFileInvalid' } })
    if (!up.ok) expect(up.error.message).toBe(`${file}:7:7: services.bad.deploy.replicas: Invalid input: expected number, received string`)
    expect(projectObjects(project)).toBe('')
    const status = await controller.invoke('status', {})
    expect(status.ok && status.value.composeError?.kind).toBe('ComposeFileInvalid')
  })

  it('an image that is neither here nor buildable nor pullable: a clear message; nothing created', async () => {
    const file = join(dir, 'missing-image.yaml')
    const image = `scrapedeck-test/absent-${suffix()}:1`
    writeFileSync(file, `services:\n  fine:\n    image: scrapedeck/debian:bookworm\n    command: sleep infinity\n  absent:\n    image: ${image}\n`)
    const project = `deckabsent${suffix()}`
    const up = await controllerFor(file, project).invoke('up', {})
    expect(up).toMatchObject({ ok: false, error: { kind: 'ImageUnavailable' } })
    if (!up.ok) {
      expect(up.error.message).toContain(`Image ${image} (service absent) is not on this machine and cannot be pulled`)
      expect(up.error.hint).toMatch(/offline images/)
    }
    expect(projectObjects(project)).toBe('')
  })
})
