/**
 * `down --volumes` after `up` adopted volumes another tool made (a swarm deploy's, labelled
 * com.docker.stack.namespace and not com.docker.compose.project): the ones up used are
 * removed too, and one the engine refuses (still referenced by someone else's container) is
 * named in the summary as left, with the engine's reason, instead of a silent "done".
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerEngine } from '../../src/main/stack/docker-engine'
import { ComposeOrchestrator } from '../../src/main/stack/drivers/compose/compose-orchestrator'
import { loadComposeProject } from '../../src/main/stack/compose-file'
import { removeProject, suffix } from './engine-fixture'

const docker = (...args: string[]): string =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
const volumeExists = (name: string): boolean => docker('volume', 'ls', '-q', '--filter', `name=^${name}$`) === name

describe('down --volumes with volumes up adopted', () => {
  const project = `deckvol${suffix()}`
  const adopted = `${project}_data`
  const busy = `${project}_busy`
  const holder = `${project}-holder`
  const dir = mkdtempSync(join(tmpdir(), 'deck-volumes-'))
  const engine = new DockerEngine({ endpoint: 'unix:///var/run/docker.sock' })
  const orchestrator = new ComposeOrchestrator({
    runtime: engine,
    projectName: project,
    upTimeoutMs: 30_000,
    loadProject: () => loadComposeProject({ file: join(dir, 'compose.yaml'), project })
  })

  beforeAll(async () => {
    writeFileSync(
      join(dir, 'compose.yaml'),
      [
        'services:',
        '  app:',
        '    image: scrapedeck/debian:bookworm',
        '    command: ["sleep", "300"]',
        '    init: true',
        '    volumes: [data:/data, busy:/busy]',
        'volumes:',
        '  data: {}',
        '  busy: {}',
        ''
      ].join('\n')
    )
    // As a swarm deploy of the same file leaves them: the stack's label, not Compose's.
    for (const name of [adopted, busy])
      docker('volume', 'create', '--label', `com.docker.stack.namespace=${project}`, name)
    // A container of no project of ours still references the second one.
    docker('create', '--name', holder, '-v', `${busy}:/x`, 'scrapedeck/debian:bookworm', 'true')
    await engine.start()
  })

  afterAll(() => {
    engine.stop()
    removeProject(project)
    docker('rm', '-f', holder)
    for (const name of [adopted, busy]) if (volumeExists(name)) docker('volume', 'rm', name)
    rmSync(dir, { recursive: true, force: true })
  })

  it('removes the adopted volume and names the one it could not remove', async () => {
    await orchestrator.up(undefined, () => undefined)
    const summary = await orchestrator.down({ removeVolumes: true }, () => undefined)
    expect(volumeExists(adopted)).toBe(false)
    expect(summary).toContain(`removed volume ${adopted}`)
    expect(volumeExists(busy)).toBe(true)
    expect(summary.find((line) => line.startsWith(`left volume ${busy}: `))).toMatch(/in use/)
  }, 60_000)
})
