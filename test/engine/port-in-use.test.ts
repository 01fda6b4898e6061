/**
 * A host port the stack publishes is already taken: `up` names the service, the port, the
 * process holding it and the variable that moves it, and creates nothing (no container,
 * network or volume), instead of failing half-way with the engine's raw error.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PanelUnderTest } from '../support/panel-under-test'
import { startupPanelConfig } from '../support/panel-settings'
import { REPO, freePort, removeProject, suffix } from './engine-fixture'

function projectObjects(project: string): string {
  const filter = `label=com.docker.compose.project=${project}`
  return ['ps -aq', 'network ls -q', 'volume ls -q']
    .map((cmd) => execFileSync('docker', [...cmd.split(' '), '--filter', filter], { encoding: 'utf8' }).trim())
    .join('')
}

describe('up with a published port already taken', () => {
  const project = `deckport${suffix()}`
  const dir = mkdtempSync(join(tmpdir(), 'deck-port-'))
  let listener: Server
  let port: number
  let controller: PanelUnderTest

  beforeAll(async () => {
    port = await freePort()
    listener = createServer()
    await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve))
    writeFileSync(
      join(dir, 'compose.yaml'),
      [
        'services:',
        '  first:',
        '    image: scrapedeck/debian:bookworm',
        '    command: sleep infinity',
        '  web:',
        '    image: scrapedeck/debian:bookworm',
        '    command: sleep infinity',
        '    ports: ["127.0.0.1:${DECK_TEST_WEB_PORT:-1}:8080"]',
        '    volumes: ["data:/data"]',
        '    depends_on: [first]',
        'volumes:',
        '  data: {}',
        ''
      ].join('\n')
    )
    process.env['DECK_TEST_WEB_PORT'] = String(port)
    controller = new PanelUnderTest(
      startupPanelConfig({ DECK_COMPOSE_FILE: join(dir, 'compose.yaml'), DECK_PROJECT: project }, REPO)
    )
  })

  afterAll(async () => {
    await controller?.close()
    await new Promise((resolve) => listener?.close(resolve))
    removeProject(project)
  })

  it('fails with PortInUse naming service, port, holder and variable; nothing is created', async () => {
    const up = await controller.invoke('up', {})
    expect(up).toMatchObject({ ok: false, error: { kind: 'PortInUse' } })
    if (up.ok) return
    expect(up.error.message).toBe(
      `A port the stack publishes is already in use: 127.0.0.1:${port} (service web) is held by process node (pid ${process.pid}). Nothing was started.`
    )
    expect(up.error.hint).toBe(
      "Stop what holds it, or move the stack's port: set DECK_TEST_WEB_PORT (in .env or the environment)."
    )
    expect(projectObjects(project)).toBe('')
  })

  it('a port another container publishes: that container is named', async () => {
    const other = await freePort()
    const holder = `deckporthold${suffix()}`
    execFileSync(
      'docker',
      ['run', '-d', '--name', holder, '-p', `127.0.0.1:${other}:80`, 'scrapedeck/debian:bookworm', 'sleep', 'infinity'],
      { stdio: 'ignore' }
    )
    try {
      process.env['DECK_TEST_WEB_PORT'] = String(other)
      const up = await controller.invoke('up', {})
      expect(up).toMatchObject({ ok: false, error: { kind: 'PortInUse' } })
      if (!up.ok)
        expect(up.error.message).toContain(
          `127.0.0.1:${other} (service web) is held by container ${holder}. Nothing was started.`
        )
      expect(projectObjects(project)).toBe('')
    } finally {
      process.env['DECK_TEST_WEB_PORT'] = String(port)
      execFileSync('docker', ['rm', '-f', holder], { stdio: 'ignore' })
    }
  })

  it('once the port is free, the same up starts the stack', async () => {
    await new Promise((resolve) => listener.close(resolve))
    const up = await controller.invoke('up', {})
    if (!up.ok) throw new Error(up.error.message)
    expect(execFileSync('docker', ['port', `${project}-web-1`, '8080/tcp'], { encoding: 'utf8' }).trim()).toBe(
      `127.0.0.1:${port}`
    )
  })
})
