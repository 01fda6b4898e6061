/** Pins the Compose v2 config hash to what docker compose v2.32.4 printed (`config --hash`) for the same file. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseComposeText } from './compose-file'
import { configHashV2, goDuration, goJson } from './compose-hash-v2'

const FILE = `services:
  a:
    image: scrapedeck/debian:bookworm
    command: sleep infinity
    environment:
      FOO: \${FOO:-bar}
      "10": ten
      "9": nine
      HTML: "<a & b>"
    ports: ["127.0.0.1:18080:80", "9000/udp", "18081:81"]
    labels: { x: y, "2": two }
    healthcheck:
      test: ["CMD-SHELL", "true => false"]
      interval: 1500ms
      timeout: 1m30s
      start_period: 2h
      retries: 3
    depends_on:
      b: { condition: service_healthy }
    volumes: ["data:/data", "./ctx:/ctx:ro", "/anon"]
    deploy: { replicas: 2 }
    restart: on-failure:3
    stop_grace_period: 20s
    stop_signal: SIGINT
    user: "1000"
    hostname: h
    init: true
    tty: true
    working_dir: /w
    networks:
      back:
        aliases: [ay]
      default:
  b:
    build: ./ctx
    entrypoint: ["/bin/sh", "-c"]
    command: ["echo hi"]
    environment: ["C=3", "B=override"]
    restart: unless-stopped
    deploy: { mode: replicated }
    healthcheck:
      disable: true
  c:
    image: x
    scale: 2
    stop_grace_period: 500ms
    healthcheck:
      test: "true"
volumes:
  data: {}
networks:
  back: {}
`

describe('config hash matches Docker Compose v2.32', () => {
  const p = parseComposeText(FILE, { file: '/tmp/v2hash/compose.yaml', project: 'v2h', env: {} })
  const hash = (name: string): string => configHashV2(p.services.get(name)!)

  it('a service using nearly every supported key (HTML-escaped strings, numeric map keys, durations)', () => {
    expect(hash('a')).toBe('199e1b158daebd3887239d9ad00a4cff9c8052915a7983609bf173d09d29e90b')
  })

  it('a build-only service with entrypoint, restart, deploy mode and a disabled healthcheck', () => {
    expect(hash('b')).toBe('33c189764ba29d06e48fb133acca74a89725bd17b4754db2621ea4174dfc9ab2')
  })

  it('a service with scale, a sub-second grace period and a string healthcheck', () => {
    expect(hash('c')).toBe('1c513741aaa56dcc1323c1f1afd6ab4c53690917fdeb85d64e03eee86f841291')
  })

  it('differs when a hashed key changes, not when replicas do', () => {
    const changed = parseComposeText(FILE.replace('stop_grace_period: 500ms', 'stop_grace_period: 501ms'), {
      file: '/tmp/v2hash/compose.yaml',
      project: 'v2h',
      env: {}
    })
    expect(configHashV2(changed.services.get('c')!)).not.toBe(hash('c'))
    const scaled = parseComposeText(FILE.replace('scale: 2', 'scale: 5'), {
      file: '/tmp/v2hash/compose.yaml',
      project: 'v2h',
      env: {}
    })
    expect(configHashV2(scaled.services.get('c')!)).toBe(hash('c'))
  })
})

describe('config hash of a service with deploy.update_config (docker compose v2.32.4 config --hash)', () => {
  const FILE_U = `services:
  d:
    image: x
    deploy:
      update_config: { parallelism: 1, delay: 1500ms, order: start-first, failure_action: rollback, monitor: 1m, max_failure_ratio: 0.25 }
  e:
    image: x
    deploy:
      mode: replicated
      update_config: { parallelism: 0 }
  f:
    image: x
    deploy:
      update_config: { order: stop-first }
`
  const p = parseComposeText(FILE_U, { file: '/tmp/v2u/compose.yaml', project: 'v2u', env: {} })
  const hash = (name: string): string => configHashV2(p.services.get(name)!)

  it('every key, a parallelism of 0 (kept: a pointer in compose-go) and one key alone', () => {
    expect(hash('d')).toBe('91ed7dbc7bdbefa081e0eb1c7114db94fdf77d14124d6ff29f3404adf44746f5')
    expect(hash('e')).toBe('0c522fd8f7438703dd7ef750f63b6fef2b3e39870ef74e804c6b66e72d0c94a4')
    expect(hash('f')).toBe('dd4990cef0cded04f160d998d8692c6c4f253546c4719fa55d491a7463e942c3')
  })
})

describe('config hash of a service with env_file (Docker Compose v2.32 up)', () => {
  const DIR = mkdtempSync(join(tmpdir(), 'v2hashenv-'))
  const hashOf = (file: string, vars: string): string => {
    writeFileSync(join(DIR, 'vars.env'), vars)
    return configHashV2(
      parseComposeText(file, { file: join(DIR, 'compose.yaml'), project: 'v2h', env: {} }).services.get('d')!
    )
  }
  const withFile =
    'services:\n  d:\n    image: x\n    env_file: [vars.env]\n    environment:\n      SHARED: from-key\n      OTHER: two\n'
  const inline =
    'services:\n  d:\n    image: x\n    environment:\n      SECRET: one\n      SHARED: from-key\n      OTHER: two\n'

  // What `up` does (the interop test against the real Compose v2 checks the label it writes):
  // the file's values merged under environment:, the env_file key itself not hashed.
  it("hashes the env file's values merged into environment, so a changed secret recreates", () => {
    expect(hashOf(withFile, 'SECRET=one\nSHARED=from-file\n')).toBe(hashOf(inline, ''))
    expect(hashOf(withFile, 'SECRET=changed\nSHARED=from-file\n')).not.toBe(hashOf(inline, ''))
  })
})

describe('Go formatting', () => {
  it('durations as time.Duration.String', () => {
    expect([0, 500, 1500, 1.5e6, 1e9, 1.5e9, 60e9, 90e9, 3600e9, 3723.25e9].map(goDuration)).toEqual([
      '0s',
      '500ns',
      '1.5µs',
      '1.5ms',
      '1s',
      '1.5s',
      '1m0s',
      '1m30s',
      '1h0m0s',
      '1h2m3.25s'
    ])
  })

  it('JSON as encoding/json: HTML-safe, no spaces, omitted undefined fields', () => {
    expect(goJson({ a: '<&>\u2028', b: undefined, c: [1, null], d: 'é' })).toBe(
      '{"a":"\\u003c\\u0026\\u003e\\u2028","c":[1,null],"d":"é"}'
    )
  })
})
