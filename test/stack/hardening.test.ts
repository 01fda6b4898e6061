/**
 * Our compose.yaml's hardening as the panel applies it: the real stack brought up through a
 * panel session (own project, free loopback ports, offline images), then `docker inspect` of
 * every container against what the file says — non-root user, capabilities dropped,
 * no-new-privileges, memory limit, read-only root fs where the file asks — and all healthy.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startupPanelConfig } from '../support/panel-settings'
import { loadComposeProject } from '../../src/main/stack/compose-file'
import type { ComposeProject as Project } from '../../src/main/stack/compose-model'
import { PanelUnderTest } from '../support/panel-under-test'
import { ComposeProject, REPO_ROOT, stackUnavailableReason } from './compose-project'

interface Inspected {
  Name: string
  Config: { User: string; Labels: Record<string, string> }
  State: { Health?: { Status: string } }
  HostConfig: {
    ReadonlyRootfs: boolean
    CapDrop: string[] | null
    SecurityOpt: string[] | null
    Memory: number
    PidsLimit: number | null
    Tmpfs: Record<string, string> | null
  }
}

let stack: ComposeProject
let panel: PanelUnderTest
let file: Project

describe('compose.yaml hardening, applied by the panel (real engine)', () => {
  beforeAll(async () => {
    const reason = await stackUnavailableReason()
    if (reason !== null) throw new Error(`cannot bring the stack up: ${reason}`)
    stack = await ComposeProject.create()
    // compose.yaml takes its ports from the environment, as the Compose CLI does.
    Object.assign(process.env, {
      API_PORT: String(stack.ports.api),
      JOBBOARD_PORT: String(stack.ports.jobboard),
      RABBITMQ_PORT: String(stack.ports.rabbitmq),
      RABBITMQ_MANAGEMENT_PORT: String(stack.ports.rabbitmqManagement),
      ELASTICSEARCH_PORT: String(stack.ports.elasticsearch)
    })
    const settings = startupPanelConfig(
      {
        DECK_PROJECT: stack.name,
        DECK_HOST_ACCESS_FILE: join(mkdtempSync(join(tmpdir(), 'deck-harden-')), 'approvals.json'),
        DECK_UP_TIMEOUT_MS: '900000'
      },
      REPO_ROOT
    )
    file = loadComposeProject({ file: settings.composeFile, project: settings.project, envFiles: settings.envFiles })
    panel = new PanelUnderTest(settings)
  })

  afterAll(async () => {
    await panel?.invoke('down', { removeVolumes: true })
    await panel?.close()
  }, 180_000)

  it('our own file needs no acceptance, comes up healthy, and every container has what the file says', async () => {
    const pre = await panel.invoke('preflight', {})
    expect(pre.ok && pre.value).toMatchObject({ findings: [], accepted: true })
    const up = await panel.invoke('up', {})
    if (!up.ok) throw new Error(`${up.error.kind}: ${up.error.message}`)

    const ids = execFileSync('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${stack.name}`], {
      encoding: 'utf8'
    })
      .split('\n')
      .filter(Boolean)
    const containers = JSON.parse(execFileSync('docker', ['inspect', ...ids], { encoding: 'utf8' })) as Inspected[]
    expect(new Set(containers.map((c) => c.Config.Labels['com.docker.compose.service']))).toEqual(
      new Set(file.services.keys())
    )
    for (const c of containers) {
      const svc = file.services.get(c.Config.Labels['com.docker.compose.service'] ?? '')
      if (svc === undefined) throw new Error(`${c.Name}: not a service of the file`)
      const seen = {
        user: c.Config.User,
        readOnly: c.HostConfig.ReadonlyRootfs,
        capDrop: c.HostConfig.CapDrop,
        securityOpt: c.HostConfig.SecurityOpt,
        memory: c.HostConfig.Memory,
        health: c.State.Health?.Status
      }
      expect(seen, c.Name).toEqual({
        user: svc.user,
        readOnly: svc.hardening.readOnly === true,
        capDrop: svc.hardening.capDrop,
        securityOpt: svc.hardening.securityOpt,
        memory: svc.hardening.memoryBytes,
        health: 'healthy'
      })
      // What the file promises for each service, not only that the panel copied it.
      expect(seen.user, c.Name).not.toMatch(/^(|root|0)(:.*)?$/)
      expect(seen.capDrop, c.Name).toEqual(['ALL'])
      expect(seen.securityOpt, c.Name).toEqual(['no-new-privileges:true'])
      expect(seen.memory, c.Name).toBeGreaterThan(0)
      if (svc.hardening.tmpfs !== null)
        expect(Object.keys(c.HostConfig.Tmpfs ?? {}), c.Name).toEqual(svc.hardening.tmpfs)
    }
    const readOnly = containers
      .filter((c) => c.HostConfig.ReadonlyRootfs)
      .map((c) => c.Config.Labels['com.docker.compose.service'])
      .sort()
    expect(readOnly).toEqual(['api', 'jobboard', 'rabbitmq', 'scraper'])
    const api = containers.find((c) => c.Config.Labels['com.docker.compose.service'] === 'api')
    expect(() =>
      execFileSync('docker', ['exec', api?.Name.slice(1) ?? '', 'touch', '/probe'], { stdio: 'pipe' })
    ).toThrow(/Read-only file system/)
  }, 1_200_000)
})
