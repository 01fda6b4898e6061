import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseComposeText } from './compose-file'
import { hostAccessFindings } from './host-access'
import { FileApprovals, HostAccessGate, MemoryApprovals } from './host-access-gate'
import { StackError } from './stack-error'
import { copyOurCompose } from '../../../test/support/our-compose'

// A project folder with a sibling outside it, so "outside the project" is a real path.
const root = mkdtempSync(join(tmpdir(), 'deck-preflight-'))
const dir = join(root, 'project')
mkdirSync(join(dir, 'data'), { recursive: true })
writeFileSync(join(dir, 'app.env'), 'A=1\n')
writeFileSync(join(root, 'outside.env'), 'SECRET=1\n')
symlinkSync('/', join(dir, 'sneaky'))
const FILE = join(dir, 'compose.yaml')
const HOME = '/home/someone'

function load(text: string) {
  return parseComposeText(text, { file: FILE, project: 'hostile', env: {} })
}

/** [kind, severity, line, service] of each finding, in file order. */
function summary(text: string, services?: string[]) {
  return hostAccessFindings(load(text), { home: HOME, services }).map((f) => [f.kind, f.severity, f.line, f.service])
}

describe('pre-flight: what a compose file can do to the host', () => {
  it('our own compose.yaml reaches nothing outside the project', () => {
    const file = copyOurCompose()
    const project = parseComposeText(readFileSync(file, 'utf8'), {
      file,
      project: 'scrapedeck',
      env: { SCRAPER_SOURCE_URL_TEMPLATE: 'http://127.0.0.1:1/{id}' }
    })
    expect(hostAccessFindings(project)).toEqual([])
  })

  it('names host-root, system, home and Docker-socket bind mounts with their lines', () => {
    const text = `services:
  evil:
    image: alpine
    volumes:
      - /:/host
      - /var/run/docker.sock:/var/run/docker.sock
      - /etc:/host-etc:ro
      - ~/.ssh:/keys
      - /home/someone/.aws:/aws
      - type: bind
        source: /proc
        target: /p
      - ./data:/data
      - ./sneaky:/through-a-link
      - ${root}/elsewhere:/e
      - cache:/cache
      - theirs:/theirs
volumes:
  cache: {}
  theirs: { external: true }
`
    const findings = hostAccessFindings(load(text), { home: HOME })
    expect(findings.map((f) => [f.kind, f.severity, f.line])).toEqual([
      ['host-mount', 'critical', 5],
      ['docker-socket', 'critical', 6],
      ['host-mount', 'high', 7],
      ['host-mount', 'high', 8], // ~ is this machine's home: a system or home path either way
      ['host-mount', 'high', 9],
      ['host-mount', 'high', 10],
      ['host-mount', 'critical', 14], // ./sneaky is a symlink to /
      ['outside-mount', 'medium', 15],
      ['outside-mount', 'medium', 17]
    ])
    expect(findings[2]?.message).toContain('(read-only)')
    expect(findings.every((f) => f.file === FILE && f.service === 'evil' && f.hint.length > 0)).toBe(true)
  })

  it('names env files and build contexts outside the project, not those inside', () => {
    const text = `services:
  a:
    build: /
    env_file: ../outside.env
  b:
    build: { context: . }
    env_file: [app.env, /etc/os-release]
`
    expect(summary(text)).toEqual([
      ['build-context', 'high', 3, 'a'], // the host root is a system path: high
      ['env-file', 'medium', 4, 'a'],
      ['env-file', 'high', 7, 'b']
    ])
  })

  it('names ports on every interface, not those on loopback', () => {
    const text = `services:
  web:
    image: nginx
    ports:
      - "8080:80"
      - "127.0.0.1:8081:80"
      - "0.0.0.0:8082:80"
      - target: 443
        published: 8443
      - "9000"
`
    expect(summary(text)).toEqual([
      ['public-port', 'medium', 5, 'web'],
      ['public-port', 'medium', 7, 'web'],
      ['public-port', 'medium', 8, 'web'],
      ['public-port', 'medium', 10, 'web']
    ])
  })

  it('names host namespaces, privileges, capabilities, devices and unconfined profiles', () => {
    const text = `services:
  root:
    image: alpine
    network_mode: host
    privileged: true
    pid: host
    ipc: host
    cap_add: [CHOWN, SYS_ADMIN, cap_net_admin]
    devices: ["/dev/fuse:/dev/fuse"]
    security_opt: ["apparmor:unconfined", "no-new-privileges:true"]
  side:
    image: alpine
    network_mode: "service:root"
    depends_on: [root]
  joined:
    image: alpine
    network_mode: "container:some-other"
`
    expect(summary(text)).toEqual([
      ['network-mode', 'high', 4, 'root'],
      ['privileged', 'critical', 5, 'root'],
      ['host-pid', 'critical', 6, 'root'],
      ['host-ipc', 'high', 7, 'root'],
      ['capability', 'critical', 8, 'root'],
      ['capability', 'high', 8, 'root'],
      ['device', 'high', 9, 'root'],
      ['privileged', 'high', 10, 'root'],
      ['network-mode', 'medium', 13, 'side'],
      ['network-mode', 'medium', 17, 'joined']
    ])
  })

  it('names the host network and external networks joined under another name', () => {
    const text = `services:
  a:
    image: alpine
    networks: [sneaky]
  b:
    image: alpine
    networks:
      other: {}
      own: {}
networks:
  sneaky: { name: host, external: true }
  other: { external: true }
  own: {}
`
    expect(summary(text)).toEqual([
      ['network-mode', 'high', 4, 'a'],
      ['network-mode', 'medium', 7, 'b']
    ])
  })

  it('a selection lists its services and what they depend on', () => {
    const text = `services:
  db:
    image: postgres
    ports: ["5432:5432"]
  api:
    image: api
    depends_on: [db]
  other:
    image: x
    privileged: true
`
    expect(summary(text, ['api'])).toEqual([['public-port', 'medium', 4, 'db']])
  })

  it('hardening keys reach nothing', () => {
    const text = `services:
  api:
    image: api
    user: "1000:1000"
    read_only: true
    tmpfs: [/tmp]
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    security_opt: ["no-new-privileges:true"]
    mem_limit: 256m
    pids_limit: 100
`
    expect(summary(text)).toEqual([])
  })
})

describe('host-access gate', () => {
  const hostile = 'services:\n  evil:\n    image: alpine\n    volumes: ["/:/host"]\n'

  it('refuses a file that reaches the host, listing file:line, until its hash is accepted', () => {
    const gate = new HostAccessGate(new MemoryApprovals())
    const project = load(hostile)
    const pre = gate.preflight(project)
    expect(pre).toMatchObject({ accepted: false, findings: [{ kind: 'host-mount', line: 4 }] })
    expect(pre.fileHash).toMatch(/^[0-9a-f]{64}$/)

    let refused: unknown = null
    try {
      gate.admit(project, ['evil'], undefined)
    } catch (err) {
      refused = err
    }
    expect(refused).toBeInstanceOf(StackError)
    expect((refused as StackError).kind).toBe('HostAccessNotAllowed')
    expect((refused as StackError).message).toContain(`${FILE}:4: evil: mounts the host's root directory`)
    expect((refused as StackError).hint).toContain('--allow-host-access')

    expect(() => gate.admit(project, ['evil'], 'f'.repeat(64))).toThrow(/changed since it was accepted/)
    gate.admit(project, ['evil'], pre.fileHash)
    expect(gate.preflight(project).accepted).toBe(true)
    gate.admit(project, ['evil'], undefined) // remembered
  })

  it('a changed file asks again; a file with no findings never asks', () => {
    const gate = new HostAccessGate(new MemoryApprovals())
    const first = load(hostile)
    gate.admit(first, ['evil'], gate.preflight(first).fileHash)
    const changed = load(`${hostile}    privileged: true\n`)
    expect(gate.preflight(changed).accepted).toBe(false)
    expect(() => gate.admit(changed, ['evil'], undefined)).toThrow(/privileged/)
    const clean = load('services:\n  ok:\n    image: alpine\n')
    expect(gate.preflight(clean)).toMatchObject({ findings: [], accepted: true })
    gate.admit(clean, ['ok'], undefined)
  })

  it('file approvals survive a new gate, in a 0600 file', () => {
    const path = join(root, 'config', 'host-access.json')
    const project = load(hostile)
    const first = new HostAccessGate(new FileApprovals(path))
    first.admit(project, ['evil'], first.preflight(project).fileHash)
    expect(new HostAccessGate(new FileApprovals(path)).preflight(project).accepted).toBe(true)
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })
})
