/**
 * The tar stream sent to the engine for a `build:`: the files of the context that its
 * .dockerignore lets through, plus the Dockerfile — as the Docker CLI does. dockerode's own
 * context packing filters only top-level entries, so an allowlist .dockerignore (`*` then
 * `!src/...`) would drop whole folders it re-includes, and an ignored Dockerfile with them.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join, posix, relative, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import dockerignore from '@balena/dockerignore'
import { pack } from 'tar-fs'

export function buildContextFiles(context: string, dockerfile: string = 'Dockerfile'): string[] {
  let rules = ''
  try {
    rules = readFileSync(join(context, '.dockerignore'), 'utf8')
  } catch {
    // No .dockerignore: everything is sent.
  }
  const ignore = dockerignore({ ignorecase: false }).add(rules)
  // Folders an exception (`!path`) reaches into must be walked even when they are ignored.
  const exceptions = rules
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).replace(/^\/+/, ''))
  const reachedByException = (dir: string): boolean => exceptions.some((e) => e.startsWith(`${dir}/`) || e === dir)

  const files: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(context, dir), { withFileTypes: true })) {
      const path = dir === '' ? entry.name : posix.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!ignore.ignores(path) || reachedByException(path)) walk(path)
      } else if (!ignore.ignores(path)) {
        files.push(path)
      }
    }
  }
  walk('')

  const dockerfilePath = relative(resolve(context), resolve(context, dockerfile)).split(sep).join('/')
  if (!dockerfilePath.startsWith('..') && !files.includes(dockerfilePath)) files.push(dockerfilePath)
  return files.sort()
}

export function packBuildContext(context: string, dockerfile?: string): Readable {
  // tar-fs 3 makes a streamx stream; the engine client wants a Node one.
  return Readable.from(pack(context, { entries: buildContextFiles(context, dockerfile) }), { objectMode: false })
}
