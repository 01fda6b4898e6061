/** The swarm pre-flight on fixture compose files: each key swarm treats differently, and each kind of port. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseComposeText } from '../../compose-file'
import { HostAccessGate, MemoryApprovals } from '../../host-access-gate'
import { StackError } from '../../stack-error'
import { loadOurCompose } from '../../../../../test/support/our-compose'
import { parseSwarmPublish, publicPorts, swarmFindings } from './swarm-preflight'
import type { SwarmPublish } from './swarm-preflight'

const FIXTURE_DIR = join(__dirname, '../../../../../test/fixtures/swarm')
const FIXTURE = join(FIXTURE_DIR, 'swarm-keys.yaml')
const fixture = () => parseComposeText(readFileSync(FIXTURE, 'utf8'), { file: FIXTURE, project: 'fx', env: {} })
const summary = (publish: SwarmPublish) =>
  swarmFindings(fixture(), { publish }).map((f) => [f.line, f.service, f.kind, f.severity, f.message.split(':')[0]])

describe('swarm pre-flight', () => {
  it('lists each key swarm ignores or treats differently, with its line, as a note', () => {
    const found = summary('loopback')
    expect(found).toEqual(
      expect.arrayContaining([
        [6, 'app', 'swarm-key', 'note', 'build'],
        [8, 'app', 'swarm-key', 'note', 'depends_on'],
        [11, 'app', 'swarm-key', 'note', 'restart'],
        [12, 'app', 'swarm-key', 'note', 'security_opt'],
        [13, 'app', 'swarm-key', 'note', 'hostname'],
        [22, 'app', 'swarm-key', 'note', 'bind mount of ' + join(FIXTURE_DIR, 'data')],
        [25, 'db', 'swarm-key', 'note', 'privileged'],
        [26, 'db', 'swarm-key', 'note', 'network_mode "host"'],
        [27, 'db', 'swarm-key', 'note', 'restart']
      ])
    )
    const restart = swarmFindings(fixture(), { publish: 'loopback' }).filter((f) => f.message.startsWith('restart'))
    expect(restart.map((f) => f.message.match(/condition "(\w[\w-]*)"/)?.[1])).toEqual(['any', 'none'])
  })

  it('keeps a loopback TCP port on the manager (a note), and says which ports swarm makes public', () => {
    const ports = summary('loopback').filter(([line]) => (line as number) >= 17 && (line as number) <= 20)
    expect(ports).toEqual([
      [17, 'app', 'swarm-key', 'note', '127.0.0.1'],
      [19, 'app', 'swarm-public-port', 'medium', '192.168.1.5'],
      [20, 'app', 'swarm-public-port', 'medium', '127.0.0.1']
    ])
    // "8443:8443" is public with Compose too: the host-access pre-flight reports it, not this one.
    expect(publicPorts(fixture().services.get('app')!, 'loopback').map((p) => p.TargetPort)).toEqual([8443, 9000, 53])
  })

  it('with --publish-public, a loopback port becomes a finding to accept, published in host mode', () => {
    const ports = summary('public').filter(([, , kind]) => kind === 'swarm-public-port')
    expect(ports.map(([line]) => line)).toEqual([17, 19, 20])
    expect(publicPorts(fixture().services.get('app')!, 'public')).toContainEqual({
      Protocol: 'tcp',
      TargetPort: 8080,
      PublishedPort: 8080,
      PublishMode: 'host'
    })
  })

  it('the gate asks once for a port going public, and not for notes', () => {
    const project = fixture()
    const loopbackOnly = parseComposeText('services:\n  web:\n    image: x\n    ports: ["127.0.0.1:8080:80"]\n', {
      file: FIXTURE,
      project: 'fx2',
      env: {}
    })
    const gate = (publish: SwarmPublish) =>
      new HostAccessGate(new MemoryApprovals(), (p, s) => swarmFindings(p, { services: s, publish }))
    const quiet = gate('loopback').preflight(loopbackOnly)
    expect(quiet.findings.map((f) => f.severity)).toEqual(['note'])
    expect(quiet.accepted).toBe(true)
    expect(() => gate('loopback').admit(loopbackOnly, ['web'])).not.toThrow()

    const loud = gate('public')
    const result = loud.preflight(loopbackOnly)
    expect(result.accepted).toBe(false)
    expect(() => loud.admit(loopbackOnly, ['web'])).toThrow(StackError)
    loud.admit(loopbackOnly, ['web'], result.fileHash)
    expect(loud.preflight(loopbackOnly).accepted).toBe(true)
    expect(gate('public').preflight(project).accepted).toBe(false)
  })

  it('our compose.yaml on a swarm: notes only, every port kept on loopback', () => {
    const project = loadOurCompose('scrapedeck')
    const findings = swarmFindings(project, { publish: 'loopback' })
    expect(findings.length).toBeGreaterThan(0)
    expect(findings.every((f) => f.severity === 'note')).toBe(true)
    expect([...project.services.values()].flatMap((s) => publicPorts(s, 'loopback'))).toEqual([])
  })

  it('DECK_SWARM_PUBLISH is loopback or public', () => {
    expect(parseSwarmPublish(undefined)).toBe('loopback')
    expect(parseSwarmPublish('public')).toBe('public')
    expect(() => parseSwarmPublish('everywhere')).toThrow(/loopback.*public/)
  })
})
