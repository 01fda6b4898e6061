/**
 * `build:` through the panel on the real engine: the context honours an allowlist
 * .dockerignore the way the Docker CLI does (re-included folders are sent, the rest is not,
 * the Dockerfile always is), and build output streams as progress.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import Docker from 'dockerode'
import { loadComposeProject } from '../../src/main/stack/compose-file'
import { ensureImage } from '../../src/main/stack/image-provider'
import type { ImageProgress } from '../../src/main/stack/image-provider'
import { suffix } from './engine-fixture'

const docker = new Docker()
const dir = mkdtempSync(join(tmpdir(), 'deck-build-'))
const image = `scrapedeck-test/build-context:${suffix()}`
const files: Record<string, string> = {
  'compose.yaml': `services:\n  app:\n    image: ${image}\n    build:\n      context: .\n      dockerfile: docker/app.Dockerfile\n`,
  '.dockerignore': '*\n!src/keep/\n',
  'docker/app.Dockerfile': 'FROM scrapedeck/debian:bookworm\nCOPY . /ctx\nRUN find /ctx -type f | sort > /ctx.list\n',
  'src/keep/a.txt': 'sent',
  'src/drop/b.txt': 'not sent',
  'secret.env': 'not sent'
}
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(dir, path)), { recursive: true })
  writeFileSync(join(dir, path), text)
}

afterAll(async () => {
  await docker
    .getImage(image)
    .remove({ force: true })
    .catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
})

it('builds a missing image from build: with only the files .dockerignore lets through', async () => {
  const project = loadComposeProject({ file: join(dir, 'compose.yaml'), project: `deckbuild${suffix()}` })
  const app = project.services.get('app')
  if (app === undefined) throw new Error('fixture has no app service')
  const progress: ImageProgress[] = []
  await ensureImage(docker, app, (p) => progress.push(p))
  expect(progress.some((p) => p.step === 'build' && /Step \d+\/\d+/.test(p.message))).toBe(true)

  const container = await docker.createContainer({ Image: image, Cmd: ['cat', '/ctx.list'] })
  try {
    await container.start()
    await container.wait()
    const logs = (await container.logs({ stdout: true, stderr: false })).toString('utf8')
    expect(logs).toContain('/ctx/src/keep/a.txt')
    expect(logs).toContain('/ctx/docker/app.Dockerfile')
    expect(logs).not.toContain('b.txt')
    expect(logs).not.toContain('secret.env')
  } finally {
    await container.remove({ force: true })
  }
}, 120_000)
