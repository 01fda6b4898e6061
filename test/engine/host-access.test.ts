/**
 * The pre-flight against the real engine: `up` of a file that reaches the host is refused
 * with its findings and creates nothing (no container, no network), through the panel and
 * through `deck up`; accepted by its file hash, it runs — and the hash is remembered.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startupPanelConfig } from '../support/panel-settings'
import { PanelUnderTest } from '../support/panel-under-test'
import { DECK_COMMAND, REPO, removeProject, suffix } from './engine-fixture'

const IMAGE = 'scrapedeck/debian:bookworm'
const root = mkdtempSync(join(tmpdir(), 'deck-hostile-'))
const dir = join(root, 'project')
mkdirSync(join(root, 'shared'), { recursive: true })
mkdirSync(dir)

const HOSTILE = `services:
  evil:
    image: ${IMAGE}
    command: sleep infinity
    privileged: true
    volumes:
      - /:/host
      - /var/run/docker.sock:/var/run/docker.sock
  helper:
    image: ${IMAGE}
    command: sleep infinity
`
/** Reaches outside the project only by a read-only mount of a sibling folder: harmless to run. */
const MILD = `services:
  reader:
    image: ${IMAGE}
    command: sleep infinity
    init: true
    volumes: ["../shared:/shared:ro"]
`

const projects: string[] = []
function panelFor(
  text: string,
  name: string
): { panel: PanelUnderTest; project: string; file: string; env: Record<string, string> } {
  const file = join(dir, `${name}.yaml`)
  writeFileSync(file, text)
  const project = `deckhostile${name}${suffix()}`
  projects.push(project)
  const env = {
    DECK_COMPOSE_FILE: file,
    DECK_PROJECT: project,
    DECK_HOST_ACCESS_FILE: join(root, `${name}-approvals.json`)
  }
  return { panel: new PanelUnderTest(startupPanelConfig(env, REPO)), project, file, env }
}

function objectsOf(project: string): string {
  const containers = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], {
    encoding: 'utf8'
  }).trim()
  const networks = execFileSync(
    'docker',
    ['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`],
    { encoding: 'utf8' }
  ).trim()
  return containers + networks
}

afterAll(() => {
  for (const p of projects) removeProject(p)
})

describe('host access before up (real engine)', () => {
  it('refuses a hostile file with its file:line findings and creates nothing', async () => {
    const { panel, project, file } = panelFor(HOSTILE, 'hostile')
    try {
      const pre = await panel.invoke('preflight', {})
      if (!pre.ok) throw new Error(pre.error.message)
      expect(pre.value.accepted).toBe(false)
      expect(pre.value.findings.map((f) => [f.kind, f.line, f.service])).toEqual([
        ['privileged', 5, 'evil'],
        ['host-mount', 7, 'evil'],
        ['docker-socket', 8, 'evil']
      ])
      const up = await panel.invoke('up', {})
      expect(up.ok).toBe(false)
      if (up.ok) return
      expect(up.error.kind).toBe('HostAccessNotAllowed')
      expect(up.error.message).toContain(`${file}:7: evil: mounts the host's root directory`)
      expect(up.error.message).toContain(`${file}:8: evil: mounts the Docker socket`)
      expect(up.error.hint).toMatch(/Start anyway.*--allow-host-access/)
      // Only the harmless service: nothing reaches the host, so it is not asked.
      const helperOnly = await panel.invoke('preflight', { services: ['helper'] })
      expect(helperOnly.ok && helperOnly.value).toMatchObject({ findings: [], accepted: true })
      expect(objectsOf(project)).toBe('')
      // Nor can scale slip past it.
      const scaled = await panel.invoke('scale', { service: 'evil', replicas: 1 })
      expect(!scaled.ok && scaled.error.kind).toBe('HostAccessNotAllowed')
      expect(objectsOf(project)).toBe('')
    } finally {
      await panel.close()
    }
  }, 60_000)

  it('runs a file once its hash is accepted, and remembers it for the next panel', async () => {
    const first = panelFor(MILD, 'mild')
    try {
      const pre = await first.panel.invoke('preflight', {})
      if (!pre.ok) throw new Error(pre.error.message)
      expect(pre.value.findings.map((f) => [f.kind, f.line])).toEqual([['outside-mount', 6]])
      const wrong = await first.panel.invoke('up', { allowHostAccess: '0'.repeat(64) })
      expect(!wrong.ok && wrong.error.kind).toBe('HostAccessNotAllowed')
      expect(objectsOf(first.project)).toBe('')
      const up = await first.panel.invoke('up', { allowHostAccess: pre.value.fileHash })
      if (!up.ok) throw new Error(up.error.message)
    } finally {
      await first.panel.close()
    }
    const again = new PanelUnderTest(startupPanelConfig(first.env, REPO))
    try {
      const pre = await again.invoke('preflight', {})
      expect(pre.ok && pre.value.accepted).toBe(true)
      const down = await again.invoke('down', {})
      if (!down.ok) throw new Error(down.error.message)
    } finally {
      await again.close()
    }
  }, 120_000)

  it('deck up refuses without --allow-host-access; deck preflight prints file:line', () => {
    const file = join(dir, 'hostile.yaml')
    writeFileSync(file, HOSTILE)
    const project = `deckhostilecli${suffix()}`
    projects.push(project)
    const deck = (...args: string[]) =>
      spawnSync(DECK_COMMAND[0], [DECK_COMMAND[1], ...args], {
        cwd: REPO,
        env: {
          ...process.env,
          DECK_COMPOSE_FILE: file,
          DECK_PROJECT: project,
          DECK_HOST_ACCESS_FILE: join(root, 'cli.json'),
          LOG_LEVEL: 'error'
        },
        encoding: 'utf8',
        timeout: 60_000
      })
    const up = deck('up')
    expect(up.status).toBe(1)
    expect(up.stderr).toMatch(/deck: HostAccessNotAllowed: Nothing was started/)
    expect(up.stderr).toContain(`${file}:5: evil: runs privileged`)
    expect(up.stderr).toMatch(/hint: .*--allow-host-access/)
    expect(objectsOf(project)).toBe('')
    const pre = deck('preflight')
    expect(pre.status).toBe(0)
    expect(pre.stdout).toContain(`${file}:8: evil: mounts the Docker socket`)
    expect(pre.stdout).toMatch(/3 findings; file hash [0-9a-f]{64}; not accepted/)
  }, 120_000)
})
