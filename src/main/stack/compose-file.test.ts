import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ComposeFileError } from './compose-error'
import { loadComposeProject, parseComposeText } from './compose-file'

const FILE = '/srv/deck/compose.yaml'
const env = { API_PORT: '9090' }

function errorOf(text: string): ComposeFileError {
  try {
    parseComposeText(text, { file: FILE, project: 'deck', env })
  } catch (err) {
    if (err instanceof ComposeFileError) return err
    throw err
  }
  throw new Error('expected a ComposeFileError')
}

describe('compose file: valid input', () => {
  it('interpolates, normalizes ports, volumes, networks, depends_on and replicas', () => {
    const p = parseComposeText(
      `services:
  api:
    image: scrapedeck/api
    command: node main.js --port "8080"
    ports: ["127.0.0.1:\${API_PORT:-8080}:8080", "\${MISSING:-7000}:7000/udp"]
    environment: { MODE: prod, COUNT: 3 }
    depends_on:
      rabbitmq: { condition: service_healthy }
    deploy: { replicas: 2 }
    volumes: ["data:/data:ro", "./conf:/conf"]
    x-note: ignored
  rabbitmq:
    image: scrapedeck/rabbitmq
    healthcheck: { test: ["CMD-SHELL", "true"], interval: 1m30s, retries: 3 }
volumes:
  data: {}
x-anchors: {}
`,
      { file: FILE, project: 'deck', env }
    )
    const api = p.services.get('api')
    expect(api?.commandArgv).toEqual(['node', 'main.js', '--port', '8080'])
    expect(api?.ports).toEqual([
      { target: 8080, published: 9090, protocol: null, hostIp: '127.0.0.1', publishedVariable: 'API_PORT' },
      { target: 7000, published: 7000, protocol: 'udp', hostIp: null, publishedVariable: 'MISSING' }
    ])
    expect(api?.environment).toEqual({ MODE: 'prod', COUNT: '3' })
    expect(api?.dependsOn).toEqual({ rabbitmq: 'service_healthy' })
    expect(api?.replicas).toBe(2)
    expect(api?.volumes).toEqual([
      { type: 'volume', name: 'data', target: '/data', readOnly: true },
      { type: 'bind', source: '/srv/deck/conf', target: '/conf', readOnly: false }
    ])
    expect(api?.networks).toEqual([{ name: 'default', aliases: [] }])
    expect(p.networks.get('default')?.name).toBe('deck_default')
    expect(p.volumes.get('data')?.name).toBe('deck_data')
    expect(p.services.get('rabbitmq')?.healthcheck?.intervalNs).toBe(90e9)
  })

  it('reads env_file and the interpolation env file; the shell wins over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deck-compose-'))
    writeFileSync(join(dir, 'vars.env'), '# comment\nA=1\nB="two"\n')
    writeFileSync(join(dir, '.env.images'), 'IMG=from-file\nTAG=file\n')
    writeFileSync(
      join(dir, 'compose.yaml'),
      'services:\n  s:\n    image: ${IMG}:${TAG}\n    env_file: vars.env\n    environment: [B=override]\n'
    )
    const p = loadComposeProject({
      file: join(dir, 'compose.yaml'),
      project: 'x',
      envFiles: ['.env.images'],
      env: { TAG: 'shell' }
    })
    expect(p.services.get('s')?.image).toBe('from-file:shell')
    expect(p.services.get('s')?.environment).toEqual({ A: '1', B: 'override' })
  })
})

describe('compose file: errors name the file, the line and the key', () => {
  it('YAML syntax error', () => {
    const err = errorOf('services:\n  api:\n    image: [a, b\n')
    expect(err.kind).toBe('ComposeFileInvalid')
    expect(err.message).toMatch(/^\/srv\/deck\/compose\.yaml:\d+:\d+: YAML: /)
  })

  it('duplicate key', () => {
    const err = errorOf('services:\n  api:\n    image: a\n    image: b\n')
    expect(err.issues[0]?.line).toBe(4)
  })

  it('unknown key (a typo) is invalid, with its own line', () => {
    const err = errorOf('services:\n  api:\n    image: a\n    comand: x\n')
    expect(err.kind).toBe('ComposeFileInvalid')
    expect(err.issues).toEqual([
      { line: 4, column: 5, key: 'services.api.comand', message: 'unknown key "comand"', unsupported: false }
    ])
    expect(err.message).toBe('/srv/deck/compose.yaml:4:5: services.api.comand: unknown key "comand"')
  })

  it('valid Compose we do not implement is "unsupported"', () => {
    const err = errorOf('services:\n  api:\n    image: a\n\n    sysctls: { net.core.somaxconn: 1024 }\n')
    expect(err.kind).toBe('ComposeUnsupported')
    expect(err.issues[0]).toMatchObject({ line: 5, key: 'services.api.sysctls', unsupported: true })
  })

  it('a wrong value type points at the value', () => {
    const err = errorOf('services:\n  api:\n    image: a\n    deploy:\n      replicas: many\n')
    expect(err.issues[0]).toMatchObject({ line: 5, key: 'services.api.deploy.replicas' })
  })

  it('a bad port string points at the list item', () => {
    const err = errorOf('services:\n  api:\n    image: a\n    ports:\n      - "8080:80"\n      - "80:99999"\n')
    expect(err.issues[0]).toMatchObject({ line: 6, key: 'services.api.ports[1]' })
    expect(err.issues[0]?.message).toMatch(/99999.*not a port number/)
  })

  it('depends_on an unknown service, and a dependency cycle', () => {
    const err = errorOf(
      'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n  c:\n    image: x\n    depends_on: [nope]\n'
    )
    const messages = err.issues.map((i) => `${i.line} ${i.key} ${i.message}`)
    expect(messages).toContain('10 services.c.depends_on depends on "nope", which is not a service in this file')
    expect(messages.some((m) => /dependency cycle: a → b → a/.test(m))).toBe(true)
  })

  it('required interpolation variable missing', () => {
    const err = errorOf('services:\n  api:\n    image: "${IMAGE:?set IMAGE in .env.images}"\n')
    expect(err.issues[0]).toMatchObject({ line: 3, key: 'services.api.image' })
    expect(err.issues[0]?.message).toMatch(/IMAGE.*set IMAGE in \.env\.images/)
  })

  it('undeclared named volume and network; no image nor build; missing services', () => {
    const err = errorOf('services:\n  api:\n    volumes: ["data:/data"]\n    networks: [back]\n')
    const keys = err.issues.map((i) => `${i.line}:${i.key}`)
    expect(keys).toEqual(
      expect.arrayContaining(['2:services.api', '3:services.api.volumes[0]', '4:services.api.networks'])
    )
    expect(errorOf('version: "3"\n').issues[0]).toMatchObject({ key: 'services', message: 'is required' })
    expect(errorOf('- a\n- b\n').issues[0]?.message).toMatch(/YAML map/)
  })

  it('a reserved compose label is refused', () => {
    const err = errorOf('services:\n  api:\n    image: a\n    labels:\n      com.docker.compose.project: other\n')
    expect(err.issues[0]).toMatchObject({ line: 4, key: 'services.api.labels' })
  })

  it('a missing file', () => {
    expect(() => loadComposeProject({ file: '/nonexistent/compose.yaml' })).toThrow(
      /\/nonexistent\/compose\.yaml: file not found/
    )
  })
})

describe('compose file: hostile files are refused, not crashed on (found by the fault suite)', () => {
  it('aliases that expand past the alias limit (a "billion laughs" file)', () => {
    const levels = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 5 },
        (_, i) => `${'bcdef'[i]}: &${'bcdef'[i]} [${Array(9).fill(`*${'abcde'[i]}`).join(', ')}]`
      )
    ]
    const err = errorOf(`${levels.join('\n')}\nservices:\n  web:\n    image: a\n`)
    expect(err.kind).toBe('ComposeFileInvalid')
    expect(err.issues[0]?.message).toMatch(/^YAML: .*alias.*write the values out/)
  })

  it('an alias that contains itself', () => {
    const err = errorOf('x: &x [1, *x]\nservices:\n  web:\n    image: a\n')
    expect(err.issues[0]).toMatchObject({ key: 'x[1]', message: expect.stringMatching(/contains itself/) })
  })

  it('values nested deeper than compose ever nests', () => {
    const deep = `services:\n  web:\n    image: a\n    command: ${'['.repeat(70)}1${']'.repeat(70)}\n`
    expect(errorOf(deep).issues[0]?.message).toMatch(/nest more than 64 levels/)
  })

  it('a file over 1 MiB, before parsing it', () => {
    const err = errorOf(`services:\n  web:\n    image: a\n    command: "${'x'.repeat(1024 * 1024)}"\n`)
    expect(err.issues[0]?.message).toMatch(/the file is 1\.0 MiB; a compose file may be at most 1 MiB/)
  })

  it('more replicas than the panel runs', () => {
    expect(
      errorOf('services:\n  web:\n    image: a\n    deploy:\n      replicas: 1000000000\n').issues[0]
    ).toMatchObject({ key: 'services.web.deploy.replicas', message: expect.stringMatching(/at most 32 replicas/) })
    expect(errorOf('services:\n  web:\n    image: a\n    scale: 33\n').issues[0]?.key).toBe('services.web.scale')
  })
})
