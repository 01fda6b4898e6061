/** Reads `KEY=value` env files (compose `env_file:` and the interpolation env file). */
import { readFileSync } from 'node:fs'

/** Parses env-file text. Blank lines and `#` comments are skipped; surrounding quotes are removed. */
function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    const key = (eq === -1 ? line : line.slice(0, eq)).replace(/^export\s+/, '').trim()
    if (key === '') continue
    let value = eq === -1 ? '' : line.slice(eq + 1).trim()
    const quote = value[0]
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) value = value.slice(1, -1)
    values[key] = value
  }
  return values
}

/** Reads one env file; a missing optional file is an empty set of values. */
export function readEnvFile(path: string, options: { optional: boolean }): Record<string, string> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if (options.optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw err
  }
  return parseEnvFile(text)
}
