/**
 * The host and hardening keys end to end of the pure steps: the config hashes equal what
 * docker-compose 1.29.2 and docker compose 2.32.4 compute (`config --hash='*'` with
 * `-p hashcheck` over the same file, image absent), and the create body carries each key
 * where the engine wants it.
 */
import { describe, expect, it } from 'vitest'
import { parseComposeText } from './compose-file'
import { configHash } from './compose-hash'
import { configHashV2 } from './compose-hash-v2'
import { containerCreateOptions } from './container-spec'

const FILE = '/tmp/hashcheck/compose.yaml'
const TEXT = `services:
  a:
    image: deck-nonexistent-image-xyz
    user: "1000:1000"
    read_only: true
    tmpfs: /tmp
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    security_opt: ["no-new-privileges:true"]
    mem_limit: 256m
    pids_limit: 100
    privileged: false
    ipc: private
    devices: ["/dev/null:/dev/xnull:r"]
  b:
    image: deck-nonexistent-image-xyz
    deploy:
      resources:
        limits: { memory: 512m, cpus: "1" }
  c:
    image: deck-nonexistent-image-xyz
    network_mode: host
    cpus: 0.5
  d:
    image: deck-nonexistent-image-xyz
    network_mode: "service:c"
    depends_on: [c]
`
const project = parseComposeText(TEXT, { file: FILE, project: 'hashcheck', env: {}, compat: 'v1' })
const ID = { flavour: 'v1' as const, configHash: 'h', imageId: null }
const svc = (name: string) =>
  project.services.get(name) ??
  (() => {
    throw new Error(name)
  })()

describe('hardening and host keys', () => {
  it('hash as docker-compose 1.29.2 does', () => {
    expect(
      Object.fromEntries([...project.services.values()].map((s) => [s.name, configHash(project, s, null)]))
    ).toEqual({
      a: 'dd54b4a5a74d131f248606901fc55a82516e8d86c8d24a70cb33796533cb46f9',
      b: '423bbc345387a5f9b16d22bcd760a69df0b111c9a1be173be2f2984cf9f21135',
      c: 'cd6ca0961e8216699c8a8ad38cd9027d9324ffbd3c68e6d40366befaf0c1527a',
      d: 'ba1af4573ef574f2c5ae9d8145d39d7d3d0b9d9d9519a8fae55074c75a6ba70f'
    })
  })

  it('hash as docker compose 2.32.4 does', () => {
    expect(Object.fromEntries([...project.services.values()].map((s) => [s.name, configHashV2(s)]))).toEqual({
      a: '7b89d7aebfc9d2128efc97922af5f9e8f4e61df759fba4ed0ac7b58a7ce6c5d1',
      b: '3c4182fbf68f7a051f74e0c511f4fde0ce524b849b4ceab3aca5117e432c7c35',
      c: 'f5909f7b13688fa5c63e69d2bb7754534969f2c872d09918b8a41a7497fd073f',
      d: 'e9c61c0ef16fdd83d667e3b1846202fe3f5ad21a7e5816f3a5bf9c709444a4a5'
    })
  })

  it('go into the container create body', () => {
    const a = containerCreateOptions(project, svc('a'), 1, ID)
    expect(a.User).toBe('1000:1000')
    expect(a.HostConfig).toMatchObject({
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': '' },
      CapDrop: ['ALL'],
      CapAdd: ['NET_BIND_SERVICE'],
      SecurityOpt: ['no-new-privileges:true'],
      Memory: 256 * 1024 ** 2,
      PidsLimit: 100,
      Privileged: false,
      IpcMode: 'private',
      Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/xnull', CgroupPermissions: 'r' }]
    })
    expect(containerCreateOptions(project, svc('b'), 1, ID).HostConfig).toMatchObject({
      Memory: 512 * 1024 ** 2,
      NanoCpus: 1e9
    })
    const c = containerCreateOptions(project, svc('c'), 1, ID)
    expect(c.HostConfig).toMatchObject({ NetworkMode: 'host', NanoCpus: 5e8 })
    expect(c.NetworkingConfig).toBeUndefined()
    expect(containerCreateOptions(project, svc('d'), 1, ID, 'container:abc').HostConfig?.NetworkMode).toBe(
      'container:abc'
    )
  })

  it('refuse what cannot be applied, with the line', () => {
    const bad = (text: string): string => {
      try {
        parseComposeText(text, { file: FILE, project: 'x', env: {} })
      } catch (err) {
        return (err as Error).message
      }
      return 'loaded'
    }
    expect(bad('services:\n  a:\n    image: x\n    network_mode: host\n    networks: [default]\n')).toMatch(
      /:4:\d+: services\.a\.network_mode: `network_mode` and `networks` cannot be combined/
    )
    expect(bad('services:\n  a:\n    image: x\n    network_mode: "service:b"\n  b:\n    image: x\n')).toMatch(
      /:4:\d+: .*add "b" to depends_on/
    )
    expect(bad('services:\n  a:\n    image: x\n    mem_limit: lots\n')).toMatch(/:4:\d+: services\.a\.mem_limit/)
    expect(bad('services:\n  a:\n    image: x\n    pid: "container:y"\n')).toMatch(/pid: only "host"/)
  })
})
