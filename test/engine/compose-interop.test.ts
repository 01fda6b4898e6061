/**
 * The panel, docker-compose v1 and Docker Compose v2 share stacks: each one's `up` on a
 * stack another made recreates nothing (the panel judges a container as the Compose that
 * made it would, and writes v2's hash and names unless told to imitate v1); the panel
 * adopts what `docker-compose up` started (including its scale). And a bad file or a
 * missing image touches nothing.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PanelUnderTest } from '../support/panel-under-test'
import { startupPanelConfig } from '../support/panel-settings'
import {
  composeCli,
  composeV2UnavailableReason,
  dockerCompose,
  fixtureStack,
  freePort,
  REPO,
  removeProject,
  suffix
} from './engine-fixture'
import type { FixtureStack } from './engine-fixture'
import { requiredPart } from '../support/required-part'

function projectObjects(project: string): string {
  const containers = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], {
    encoding: 'utf8'
  }).trim()
  const networks = execFileSync('docker', ['network', 'ls', '-q', '--filter', `name=${project}_`], {
    encoding: 'utf8'
  }).trim()
  return containers + networks
}

const INTEROP_FILE = join(REPO, 'test/engine/fixtures/interop/compose.yaml')
const v2Missing = requiredPart('Docker Compose v2', composeV2UnavailableReason())

/** id, name and start time of each container of a project: a recreate or restart changes one. */
function snapshot(project: string): string[] {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], {
    encoding: 'utf8'
  })
    .split('\n')
    .filter(Boolean)
  if (ids.length === 0) return []
  return execFileSync('docker', ['inspect', '-f', '{{.Id}} {{.Name}} {{.State.StartedAt}} {{.State.Status}}', ...ids], {
    encoding: 'utf8'
  })
    .split('\n')
    .filter(Boolean)
    .sort()
}

interface InteropCase {
  /** The Compose run against the panel's stack, and the dialect the panel writes. */
  tool: 'v1' | 'v2'
  compat: 'v1' | 'v2'
}

const INTEROP_CASES: InteropCase[] = [
  { tool: 'v2', compat: 'v2' },
  { tool: 'v1', compat: 'v1' }
]

for (const { tool, compat } of INTEROP_CASES)
  describe(`the panel (writing as ${compat}) and Compose ${tool}: each one's up recreates nothing on the other's stack`, () => {
    const skip = tool === 'v2' && v2Missing !== null
    const projects: string[] = []
    const controllers: PanelUnderTest[] = []

    afterAll(async () => {
      for (const c of controllers) await c.close()
      for (const p of projects) removeProject(p)
    }, 60_000)

    /** A fresh project with its own port: the environment Compose gets, and a panel reading the same. */
    async function stackFor(kind: string): Promise<{ project: string; env: NodeJS.ProcessEnv; panel: PanelUnderTest }> {
      const project = `deckiop${tool}${kind}${suffix()}`
      projects.push(project)
      const vars = {
        DECK_TEST_REPO: REPO,
        DECK_TEST_INTEROP_PORT: String(await freePort()),
        DECK_TEST_INTEROP_VALUE: `v-${suffix()}`
      }
      // The loader interpolates from the process environment, as the Compose CLI does.
      Object.assign(process.env, vars, { DECK_COMPOSE_COMPAT: compat })
      const panel = new PanelUnderTest(
        startupPanelConfig(
          { DECK_COMPOSE_FILE: INTEROP_FILE, DECK_PROJECT: project, DECK_COMPOSE_COMPAT: compat },
          REPO
        )
      )
      controllers.push(panel)
      return { project, env: { ...process.env, ...vars }, panel }
    }

    it.skipIf(skip)(
      `Compose ${tool} up -d on the panel's stack recreates and restarts nothing`,
      async () => {
        const { project, env, panel } = await stackFor('p')
        const up = await panel.invoke('up', {})
        if (!up.ok) throw new Error(up.error.message)
        const before = snapshot(project)
        expect(before.map((line) => line.split(' ')[1]).sort()).toEqual(
          compat === 'v2'
            ? [`/${project}-web-1`, `/${project}-worker-1`, `/${project}-worker-2`]
            : [`/${project}_web_1`, `/${project}_worker_1`, `/${project}_worker_2`]
        )

        const output = composeCli(tool, INTEROP_FILE, project, ['up', '-d'], env)
        expect(output).not.toMatch(/Recreat/)
        expect(snapshot(project)).toEqual(before)
      },
      180_000
    )

    it.skipIf(skip)(
      `the panel's up on Compose ${tool}'s stack recreates nothing and calls it up to date`,
      async () => {
        const { project, env, panel } = await stackFor('c')
        composeCli(tool, INTEROP_FILE, project, ['up', '-d'], env)
        const before = snapshot(project)
        expect(before).toHaveLength(3)

        const status = await panel.invoke('status', {})
        if (!status.ok) throw new Error(status.error.message)
        const upToDate = status.value.services.flatMap((s) => s.containers.map((c) => c.upToDate))
        expect(upToDate).toEqual([true, true, true])

        const up = await panel.invoke('up', {})
        if (!up.ok) throw new Error(up.error.message)
        expect(up.value.summary).toEqual(['everything was already up'])
        expect(snapshot(project)).toEqual(before)
      },
      180_000
    )

    it.skipIf(skip)(
      'a changed setting: the panel calls the container stale and Compose recreates it',
      async () => {
        const { project, env, panel } = await stackFor('s')
        const up = await panel.invoke('up', {})
        if (!up.ok) throw new Error(up.error.message)
        const web = (): string[] => snapshot(project).filter((line) => line.includes('web'))
        const before = web()
        const changed = { ...env, DECK_TEST_INTEROP_VALUE: `changed-${suffix()}` }
        process.env['DECK_TEST_INTEROP_VALUE'] = changed['DECK_TEST_INTEROP_VALUE']
        const status = await panel.invoke('status', {})
        expect(
          status.ok && status.value.services.find((s) => s.name === 'web')?.containers.map((c) => c.upToDate)
        ).toEqual([false])
        expect(composeCli(tool, INTEROP_FILE, project, ['up', '-d', 'web'], changed)).toMatch(/Recreat/)
        expect(web()).not.toEqual(before)
      },
      180_000
    )
  })

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
    const c = new PanelUnderTest(startupPanelConfig({ DECK_COMPOSE_FILE: file, DECK_PROJECT: project }, REPO))
    controllers.push(c)
    return c
  }
  afterAll(async () => {
    for (const c of controllers) await c.close()
  })

  it('a malformed compose file: error with file, line and key; no container, no network', async () => {
    const file = join(dir, 'compose.yaml')
    writeFileSync(
      file,
      'services:\n  ok:\n    image: scrapedeck/debian:bookworm\n  bad:\n    image: scrapedeck/debian:bookworm\n    deploy:\n      replicas: lots\n'
    )
    const project = `deckbad${suffix()}`
    const controller = controllerFor(file, project)
    const up = await controller.invoke('up', {})
    expect(up).toMatchObject({ ok: false, error: { kind: 'ComposeFileInvalid' } })
    if (!up.ok)
      expect(up.error.message).toBe(
        `${file}:7:7: services.bad.deploy.replicas: Invalid input: expected number, received string`
      )
    expect(projectObjects(project)).toBe('')
    const status = await controller.invoke('status', {})
    expect(status.ok && status.value.composeError?.kind).toBe('ComposeFileInvalid')
  })

  it('an image that is neither here nor buildable nor pullable: a clear message; nothing created', async () => {
    const file = join(dir, 'missing-image.yaml')
    const image = `scrapedeck-test/absent-${suffix()}:1`
    writeFileSync(
      file,
      `services:\n  fine:\n    image: scrapedeck/debian:bookworm\n    command: sleep infinity\n  absent:\n    image: ${image}\n`
    )
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
