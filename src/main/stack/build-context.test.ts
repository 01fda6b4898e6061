import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { extract } from 'tar-stream'
import { buildContextFiles, packBuildContext } from './build-context'

let dir = ''
function context(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'ctx-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('build context', () => {
  it('follows an allowlist .dockerignore into folders it re-includes, and always sends the Dockerfile', () => {
    const root = context({
      '.dockerignore': '*\n!package.json\n!src/shared/\n!src/services/\n',
      'package.json': '{}',
      'src/shared/listing.ts': 'x',
      'src/services/rpc/client.ts': 'x',
      'src/main/index.ts': 'x',
      'node_modules/big/index.js': 'x',
      'docker/service.Dockerfile': 'FROM scratch'
    })
    expect(buildContextFiles(root, 'docker/service.Dockerfile')).toEqual([
      'docker/service.Dockerfile',
      'package.json',
      'src/services/rpc/client.ts',
      'src/shared/listing.ts'
    ])
  })

  it('sends everything but what a denylist names', () => {
    const root = context({
      '.dockerignore': 'node_modules\n*.log\n',
      Dockerfile: 'FROM scratch',
      'a.ts': 'x',
      'b.log': 'x',
      'node_modules/m.js': 'x'
    })
    expect(buildContextFiles(root)).toEqual(['.dockerignore', 'Dockerfile', 'a.ts'])
  })

  it('packs exactly those files into the tar stream', async () => {
    const root = context({
      '.dockerignore': 'secret.txt\n',
      Dockerfile: 'FROM scratch',
      'secret.txt': 'x',
      'app/main.js': 'x'
    })
    const names: string[] = []
    const reader = extract()
    reader.on('entry', (header, stream, next) => {
      names.push(header.name)
      stream.on('end', next)
      stream.resume()
    })
    await new Promise<void>((resolve, reject) => {
      reader.on('finish', resolve)
      reader.on('error', reject)
      packBuildContext(root).pipe(reader)
    })
    expect(names.sort()).toEqual(['.dockerignore', 'Dockerfile', 'app/main.js'])
  })
})
