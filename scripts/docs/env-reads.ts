/**
 * Every environment variable the code reads, found by the patterns it reads them with: in
 * TypeScript `process.env.X`, `process.env['X']`, `env.X` / `env['X']` on an environment
 * object, and the typed readers (`envInt('X', …)`, panel-config's `str('X', …)`); in shell
 * scripts `${X:-default}` (a variable with a default is a setting; one without is the
 * script's own); in compose.yaml every `${X…}`.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const TS_PATTERNS = [
  /process\.env\.([A-Z][A-Z0-9_]*)/g,
  /\benv\s*\[\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*\]/g,
  /\benv\.([A-Z][A-Z0-9_]*)\b/g,
  /\b(?:envInt|envString|envNumber|envBool|envFlag|str|int|num|bool)\(\s*['"`]([A-Z][A-Z0-9_]*)['"`]/g
]
const SHELL_PATTERN = /\$\{([A-Z][A-Z0-9_]*):[-=?]/g
const COMPOSE_PATTERN = /\$\{([A-Z][A-Z0-9_]*)(?:[:?-][^}]*)?\}/g

export interface EnvRead {
  name: string
  /** Checkout-relative path of the first file that reads it. */
  file: string
}

function filesUnder(root: string, dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = []
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...filesUnder(root, path, keep))
    } else if (keep(path)) out.push(path)
  }
  return out
}

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((m) => m[1] as string)
}

/** The variables read by src/, scripts/, docker/ and compose.yaml (tests excluded), sorted by name. */
export function envReads(root: string): EnvRead[] {
  const found = new Map<string, string>()
  const add = (file: string, names: string[]): void => {
    for (const name of names) if (!found.has(name)) found.set(name, relative(root, join(root, file)))
  }
  const isSource = (p: string): boolean => /\.(ts|tsx)$/.test(p) && !/\.test\.tsx?$/.test(p)
  // scripts/docs/ holds this scanner, whose comments name the patterns, not variables.
  const scanned = [...filesUnder(root, 'src', isSource), ...filesUnder(root, 'scripts', isSource)].filter(
    (f) => !f.startsWith('scripts/docs/')
  )
  for (const file of scanned) {
    const text = readFileSync(join(root, file), 'utf8')
    add(
      file,
      TS_PATTERNS.flatMap((p) => matches(text, p))
    )
  }
  for (const file of [
    ...filesUnder(root, 'scripts', (p) => p.endsWith('.sh')),
    ...filesUnder(root, 'docker', (p) => p.endsWith('.sh'))
  ]) {
    add(file, matches(readFileSync(join(root, file), 'utf8'), SHELL_PATTERN))
  }
  add('compose.yaml', matches(readFileSync(join(root, 'compose.yaml'), 'utf8'), COMPOSE_PATTERN))
  return [...found].map(([name, file]) => ({ name, file })).sort((a, b) => a.name.localeCompare(b.name))
}
