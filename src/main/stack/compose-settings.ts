/**
 * The variables Compose itself reads for a compose file: the process environment over the
 * project's env files (.env, .env.images). The panel derives its project name and its
 * endpoints (published ports) from them, so one setting moves both the stack and the panel.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse } from 'yaml'
import { readEnvFile } from './env-file'

export function composeVariables(
  composeFile: string,
  envFiles: string[],
  env: Readonly<Record<string, string | undefined>>
): Record<string, string | undefined> {
  const fromFiles: Record<string, string> = {}
  for (const file of envFiles) {
    try {
      Object.assign(fromFiles, readEnvFile(resolve(dirname(composeFile), file), { optional: true }))
    } catch {
      // An unreadable env file is reported by the compose loader, with its path; here it only adds nothing.
    }
  }
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  return { ...fromFiles, ...defined }
}

/**
 * The project name Compose would use without `-p`: COMPOSE_PROJECT_NAME, else the file's
 * top-level `name:`; null when neither is set (or the file cannot be read: the loader says why).
 */
export function composeProjectName(
  composeFile: string,
  variables: Readonly<Record<string, string | undefined>>
): string | null {
  const fromEnv = variables['COMPOSE_PROJECT_NAME']
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  try {
    const doc: unknown = parse(readFileSync(composeFile, 'utf8'))
    const name = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)['name'] : undefined
    return typeof name === 'string' && /^[a-z0-9][a-z0-9_-]*$/.test(name) ? name : null
  } catch {
    return null
  }
}
