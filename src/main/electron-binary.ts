import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * The installed Electron binary's path, or null where there is none (as on machines that
 * cannot reach GitHub at install time). Worked out as the electron package does (its
 * path.txt, ELECTRON_OVERRIDE_DIST_PATH) but without requiring it: in Electron 45
 * `require('electron')` tries to download a missing binary, synchronously.
 */
export function electronBinary(): string | null {
  try {
    const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
    const pathFile = join(packageDir, 'path.txt')
    const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null
    const override = process.env['ELECTRON_OVERRIDE_DIST_PATH']
    const binary = override
      ? join(override, executable ?? 'electron')
      : executable === null
        ? null
        : join(packageDir, 'dist', executable)
    return binary !== null && existsSync(binary) ? binary : null
  } catch {
    return null
  }
}
