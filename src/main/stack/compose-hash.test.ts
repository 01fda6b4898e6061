import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseComposeText } from './compose-file'
import { configHash } from './compose-hash'

// Expected hashes were printed by docker-compose 1.29.2 (Service.config_hash) for the same
// files, project names and image id, so these pin byte-for-byte compatibility.
const IMAGE_ID = 'sha256:9cdb1d8592f7f1e3a27ecf54c10e3c63d51651449ac47b5ba602db6dc7f1c282'

describe('config hash matches docker-compose v1.29', () => {
  it('image service with ports, env, healthcheck, depends_on, named volume, replicas', () => {
    const p = parseComposeText(
      `version: "3.8"
services:
  a:
    image: scrapedeck/debian:bookworm
    command: sleep infinity
    environment:
      FOO: \${FOO:-bar}
    ports: ["127.0.0.1:18080:80"]
    labels: { x: y }
    healthcheck:
      test: ["CMD-SHELL", "true"]
      interval: 1s
    depends_on:
      b: { condition: service_healthy }
    volumes: ["data:/data"]
    deploy: { replicas: 2 }
  b:
    image: scrapedeck/debian:bookworm
    command: ["sleep", "infinity"]
volumes:
  data: {}
`,
      { file: '/tmp/cfh/docker-compose.yml', project: 'cfh', env: {} }
    )
    expect(configHash(p, p.services.get('a')!, IMAGE_ID)).toBe(
      '589df571b29e08276c8559349799f73eabf664da2493e81ed395515fee24e9ea'
    )
    expect(configHash(p, p.services.get('b')!, IMAGE_ID)).toBe(
      '539ffeec94d1f5fa4363b764cdec630e6e69d0f284ddc1843797efdde300f458'
    )
  })

  it('build service with env_file, bind mounts, custom network with aliases, restart', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'deck-hash-')), 'cfh2')
    mkdirSync(join(dir, 'ctx'), { recursive: true })
    writeFileSync(join(dir, 'vars.env'), 'A=1\nB=two\n')
    const p = parseComposeText(
      `services:
  a:
    build: ./ctx
    command: ["sleep", "infinity"]
    env_file: vars.env
    environment: ["C=3", "B=override"]
    ports: ["18081:80", "9000/udp", "127.0.0.1:18082:81/tcp"]
    volumes: ["./ctx:/ctx:ro", "/tmp:/hosttmp"]
    networks: [back]
    restart: unless-stopped
    healthcheck:
      test: "true"
      interval: 2s
      timeout: 1500ms
      retries: 3
      start_period: 1m
    depends_on: [b]
    stop_grace_period: 20s
  b:
    image: scrapedeck/debian:bookworm
    networks:
      back:
        aliases: [bee]
networks:
  back: {}
`,
      { file: join(dir, 'docker-compose.yml'), project: 'cfh2', env: {}, compat: 'v1' }
    )
    // The build context is an absolute path, so rebuild the expected dict's hash for this dir:
    // docker-compose printed b32dc990… for /tmp/cfh2; here we only pin b (path-independent).
    expect(configHash(p, p.services.get('b')!, IMAGE_ID)).toBe(
      '00a0227f7b565a4c1d1a9e9a6055ca60116a2fd54f3d929fd394be31cc9d6a87'
    )
    expect(p.services.get('a')?.image).toBe('cfh2_a')
  })

  it('a build-only service builds <project>-<service> when imitating v2 (the default)', () => {
    const p = parseComposeText('services:\n  a:\n    build: .\n', {
      file: '/tmp/cfh3/compose.yaml',
      project: 'cfh3',
      env: {}
    })
    expect(p.writeAs).toBe('v2')
    expect(p.services.get('a')?.image).toBe('cfh3-a')
  })
})
