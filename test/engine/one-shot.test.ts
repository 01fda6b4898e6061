/**
 * A one-shot dependency (a migration job: `depends_on: {condition: service_completed_successfully}`)
 * is done when it exits 0: `up` waits for it before its dependant, then succeeds, as Compose does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DockerEngine } from '../../src/main/stack/docker-engine'
import { ComposeOrchestrator } from '../../src/main/stack/drivers/compose/compose-orchestrator'
import { loadComposeProject } from '../../src/main/stack/compose-file'
import { suffix } from './engine-fixture'

const dir = mkdtempSync(join(tmpdir(), 'deck-oneshot-'))
const file = join(dir, 'compose.yaml')
const project = `deckoneshot${suffix()}`
writeFileSync(
  file,
  `services:
  migrate:
    image: scrapedeck/debian:bookworm
    command: ["sh", "-c", "sleep 1; touch /tmp/migrated"]
  app:
    image: scrapedeck/debian:bookworm
    command: ["sleep", "300"]
    init: true
    depends_on:
      migrate:
        condition: service_completed_successfully
`
)
const engine = new DockerEngine({ endpoint: 'unix:///var/run/docker.sock' })
const orchestrator = new ComposeOrchestrator({
  runtime: engine,
  projectName: project,
  upTimeoutMs: 30_000,
  loadProject: () => loadComposeProject({ file, project })
})

beforeAll(async () => {
  await engine.start()
})

afterAll(async () => {
  await orchestrator.down({ removeVolumes: true }, () => undefined).catch(() => undefined)
  engine.stop()
  rmSync(dir, { recursive: true, force: true })
})

it('up succeeds once the one-shot dependency has exited 0, and starts its dependant after it', async () => {
  const messages: string[] = []
  await orchestrator.up(undefined, (p) => {
    if (p.state !== 'progress') messages.push(p.message)
  })
  expect(messages).toContain('migrate #1 completed')
  expect(messages).toContain('app #1 is up')
  const waited = messages.findIndex((m) => m.startsWith('app waits for migrate'))
  const appCreated = messages.findIndex((m) => /app/.test(m) && /creat/i.test(m))
  expect(waited).toBeGreaterThanOrEqual(0)
  expect(appCreated).toBeGreaterThan(waited)
}, 90_000)
