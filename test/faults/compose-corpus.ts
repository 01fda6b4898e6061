/**
 * Malformed and hostile compose files for the compose parser and the host-access pre-flight
 * (src/main/stack/compose-file.ts, host-access.ts). Each entry says what a good answer is: a
 * clear load error, at least one finding, or either. Written to a folder at run time (some
 * are megabytes, one is not valid UTF-8).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface CorpusEntry {
  name: string
  text: string | Buffer
  /** error: the file must be refused with a kind; finding: it loads with ≥ 1 pre-flight finding; any: either. */
  expect: 'error' | 'finding' | 'any'
}

const svc = (body: string, name = 'web'): string =>
  `services:\n  ${name}:\n    image: busybox\n${body
    .split('\n')
    .map((l) => (l === '' ? l : `    ${l}`))
    .join('\n')}\n`

export function composeCorpus(): CorpusEntry[] {
  const many = Array.from(
    { length: 2000 },
    (_, i) => `  s${i}:\n    image: busybox\n    depends_on: [s${(i + 1) % 2000}]\n`
  ).join('')
  return [
    // Not a compose file at all.
    { name: 'empty', text: '', expect: 'error' },
    { name: 'only-comment', text: '# nothing\n', expect: 'error' },
    { name: 'binary', text: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), expect: 'error' },
    {
      name: 'not-utf8',
      text: Buffer.concat([
        Buffer.from('services:\n  web:\n    image: "'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('"\n')
      ]),
      expect: 'any'
    },
    { name: 'nul-bytes', text: 'services:\n  web:\n    image: "busy\u0000box"\n', expect: 'any' },
    { name: 'bom', text: '\ufeffservices:\n  web:\n    image: busybox\n', expect: 'any' },
    { name: 'scalar-root', text: '42\n', expect: 'error' },
    { name: 'list-root', text: '- services\n- web\n', expect: 'error' },
    { name: 'services-list', text: 'services:\n  - web\n', expect: 'error' },
    { name: 'services-null', text: 'services: ~\n', expect: 'any' },
    { name: 'service-null', text: 'services:\n  web:\n', expect: 'error' },
    { name: 'tabs', text: 'services:\n\tweb:\n\t\timage: busybox\n', expect: 'error' },
    { name: 'unterminated-quote', text: 'services:\n  web:\n    image: "busybox\n', expect: 'error' },
    { name: 'duplicate-keys', text: 'services:\n  web:\n    image: a\n    image: b\n', expect: 'error' },
    {
      name: 'multi-document',
      text: 'services:\n  a:\n    image: x\n---\nservices:\n  b:\n    image: y\n',
      expect: 'any'
    },
    {
      name: 'yaml-tags',
      text: 'services:\n  web:\n    image: !!binary aGVsbG8=\n    command: !!js/function "function(){}"\n    environment: !Ref secret\n',
      expect: 'any'
    },
    // YAML bombs and sizes.
    {
      name: 'billion-laughs',
      text: `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n${Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`
      ).join('\n')}\nservices:\n  web:\n    image: busybox\n    x-bomb: *j\n`,
      expect: 'error'
    },
    { name: 'recursive-alias', text: 'x: &x [*x]\nservices:\n  web:\n    image: busybox\n', expect: 'error' },
    {
      name: 'merge-key-chain',
      text: `base: &b0 {image: busybox}\n${Array.from({ length: 50 }, (_, i) => `m${i + 1}: &b${i + 1}\n  <<: *b${i}\n  x${i}: 1`).join('\n')}\nservices:\n  web:\n    <<: *b50\n`,
      expect: 'any'
    },
    {
      name: 'deep-flow-nesting',
      text: `services:\n  web:\n    image: busybox\n    command: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
      expect: 'error'
    },
    {
      name: 'deep-block-nesting',
      text: `services:\n  web:\n    image: busybox\n    x-deep:\n${Array.from({ length: 500 }, (_, i) => `${' '.repeat(6 + i * 2)}k:`).join('\n')} 1\n`,
      expect: 'any'
    },
    { name: 'huge-string', text: svc(`command: "${'x'.repeat(8 * 1024 * 1024)}"`), expect: 'error' },
    { name: 'just-under-the-size-cap', text: svc(`command: "${'x y '.repeat(250_000)}"`), expect: 'any' },
    { name: 'two-thousand-services-in-a-cycle', text: `services:\n${many}`, expect: 'error' },
    { name: 'long-key', text: `services:\n  ${'w'.repeat(100_000)}:\n    image: busybox\n`, expect: 'error' },
    // Wrong values.
    {
      name: 'ports-garbage',
      text: svc('ports: ["99999:80", "-1:80", "a:b:c:d", "80-70:80", {target: "x"}, 80.5]'),
      expect: 'error'
    },
    { name: 'replicas-huge', text: svc('deploy:\n  replicas: 1000000000'), expect: 'error' },
    { name: 'replicas-negative', text: svc('deploy:\n  replicas: -1'), expect: 'error' },
    { name: 'mem-limit-absurd', text: svc('mem_limit: 99999999999999999999g'), expect: 'any' },
    {
      name: 'healthcheck-durations',
      text: svc('healthcheck:\n  test: ["CMD", "true"]\n  interval: 1000000000000h\n  timeout: -5s\n  retries: 1e400'),
      expect: 'error'
    },
    { name: 'depends-on-missing', text: svc('depends_on: [ghost]'), expect: 'error' },
    { name: 'depends-on-self', text: svc('depends_on: [web]'), expect: 'error' },
    {
      name: 'depends-on-cycle',
      text: 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n',
      expect: 'error'
    },
    { name: 'extends-self', text: svc('extends: web'), expect: 'error' },
    { name: 'service-name-traversal', text: 'services:\n  "../../etc":\n    image: busybox\n', expect: 'error' },
    { name: 'service-name-unicode', text: 'services:\n  "web\u202egnp":\n    image: busybox\n', expect: 'error' },
    { name: 'image-empty', text: 'services:\n  web:\n    image: ""\n', expect: 'error' },
    {
      name: 'environment-weird',
      text: svc('environment:\n  - "=x"\n  - "A"\n  - "__proto__=1"\n  - "B=$${"'),
      expect: 'any'
    },
    { name: 'environment-proto', text: svc('environment:\n  __proto__: 1\n  constructor: x'), expect: 'any' },
    // Interpolation.
    {
      name: 'interp-required-unset',
      text: svc('environment:\n  A: ${FAULTS_SURELY_UNSET:?must be set}'),
      expect: 'error'
    },
    { name: 'interp-unterminated', text: svc('command: "${A"'), expect: 'error' },
    { name: 'interp-nested-deep', text: svc(`command: "${'${A:-'.repeat(500)}x${'}'.repeat(500)}"`), expect: 'any' },
    { name: 'interp-long-name', text: svc(`command: "\${${'A'.repeat(200_000)}}"`), expect: 'any' },
    { name: 'interp-in-keys', text: 'services:\n  ${FAULTS_SURELY_UNSET:-web}:\n    image: busybox\n', expect: 'any' },
    // Files that load and must be named by the pre-flight.
    { name: 'host-root-mount', text: svc('volumes: ["/:/host"]'), expect: 'finding' },
    { name: 'docker-socket', text: svc('volumes: ["/var/run/docker.sock:/var/run/docker.sock"]'), expect: 'finding' },
    {
      name: 'docker-socket-long-form',
      text: svc('volumes:\n  - type: bind\n    source: /run/docker.sock\n    target: /s'),
      expect: 'finding'
    },
    { name: 'home-mount', text: svc('volumes: ["~/:/home"]'), expect: 'finding' },
    { name: 'parent-mount', text: svc('volumes: ["../../../..:/up"]'), expect: 'finding' },
    { name: 'etc-mount-ro', text: svc('volumes: ["/etc:/etc:ro"]'), expect: 'finding' },
    { name: 'env-file-outside', text: svc('env_file: [/etc/passwd]'), expect: 'any' },
    { name: 'build-context-root', text: 'services:\n  web:\n    build:\n      context: /\n', expect: 'finding' },
    { name: 'ports-all-interfaces', text: svc('ports: ["8080:80", "0.0.0.0:8443:443"]'), expect: 'finding' },
    { name: 'ports-ipv6', text: svc('ports: ["[::]:9000:9000", "[::1]:9001:9001"]'), expect: 'any' },
    { name: 'network-mode-host', text: svc('network_mode: host'), expect: 'finding' },
    { name: 'network-mode-container', text: svc('network_mode: "container:other"'), expect: 'finding' },
    {
      name: 'network-named-host',
      text: `${svc('networks: [host]')}networks:\n  host:\n    external: true\n`,
      expect: 'any'
    },
    { name: 'privileged', text: svc('privileged: true'), expect: 'finding' },
    { name: 'cap-add-all', text: svc('cap_add: [ALL]'), expect: 'finding' },
    { name: 'pid-host', text: svc('pid: host'), expect: 'finding' },
    { name: 'devices', text: svc('devices: ["/dev/mem:/dev/mem"]'), expect: 'finding' },
    {
      name: 'security-opt-unconfined',
      text: svc('security_opt: ["seccomp:unconfined", "apparmor:unconfined"]'),
      expect: 'finding'
    },
    {
      name: 'everything-at-once',
      text: svc(
        'privileged: true\nnetwork_mode: host\npid: host\nvolumes: ["/:/host", "/var/run/docker.sock:/var/run/docker.sock"]\ncap_add: [SYS_ADMIN]'
      ),
      expect: 'finding'
    }
  ]
}

/** Writes the corpus into `dir` (one folder down, so "../.." paths resolve inside the temp dir); returns the files in order. */
export function writeComposeCorpus(dir: string): { entry: CorpusEntry; file: string }[] {
  const project = join(dir, 'a', 'project')
  mkdirSync(project, { recursive: true })
  return composeCorpus().map((entry) => {
    const file = join(project, `${entry.name}.yaml`)
    writeFileSync(file, entry.text)
    return { entry, file }
  })
}
