import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI_DOC_PATH, cliDoc } from './cli-doc'
import { envReads } from './env-reads'

const root = join(import.meta.dirname, '..', '..')

describe('docs that stay true of the code', () => {
  it("docs/cli.md is the CLI's own usage text (npm run docs:cli rewrites it)", () => {
    expect(
      readFileSync(join(root, CLI_DOC_PATH), 'utf8'),
      'docs/cli.md differs from the CLI: run `npm run docs:cli`'
    ).toBe(cliDoc())
  })

  it('`deck --help` prints that usage text on stdout, exit 0, with no error before it', () => {
    const out = execFileSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/main/cli/deck.ts'), '--help'], {
      encoding: 'utf8'
    })
    expect(out.startsWith('deck: the panel')).toBe(true)
    expect(cliDoc()).toContain(out.trimEnd())
  }, 60_000)

  it('docs/configuration.md names every environment variable the code reads', () => {
    const doc = readFileSync(join(root, 'docs/configuration.md'), 'utf8')
    const reads = envReads(root)
    expect(reads.length).toBeGreaterThan(20)
    const undocumented = reads.filter((r) => !doc.includes(`\`${r.name}\``)).map((r) => `${r.name} (read in ${r.file})`)
    expect(undocumented, 'add these to docs/configuration.md').toEqual([])
  })
})
