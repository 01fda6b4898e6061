/**
 * The panel's settings as the panel's start makes them: the stack's credentials file first
 * (written if missing, as `deck up` does), then the configuration. For tests that may bring a
 * stack up from the checkout's compose file, whose services read that file.
 */
import { ensureStackCredentials, loadPanelConfig } from '../../src/main/config/panel-config'
import type { PanelSettings } from '../../src/main/config/panel-config'

export function startupPanelConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd()
): PanelSettings {
  ensureStackCredentials(env, cwd)
  return loadPanelConfig(env, cwd)
}
