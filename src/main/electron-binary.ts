import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

/**
 * The installed Electron binary's path, or null where there is none. The electron package
 * exports the path (honouring ELECTRON_OVERRIDE_DIST_PATH) and throws when the binary was
 * never downloaded — as on machines that cannot reach GitHub at install time.
 */
export function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}
