/**
 * The fleet operations: the host line and the desktop app's notification settings (the
 * live readings are the `stats` stream, stats-watch.ts). The web shell keeps its notification settings in the browser, so where no store
 * is wired the settings operations say so.
 */
import type { OperationName, OperationResponse, ParsedRequest } from '../../shared/contract'
import type { HostInfo, ServiceLimits } from '../../shared/fleet-stats'
import type { EngineHost } from '../stack/engine-host'
import { StackError } from '../stack/stack-error'
import type { NotificationSettingsStore } from '../notifications/settings-file'

type FleetOperation = 'hostInfo' | 'notificationSettings' | 'setNotificationSettings'
type Handler<K extends OperationName> = (request: ParsedRequest<K>) => Promise<OperationResponse<K>>

export interface FleetParts {
  engine: { requireConnected(): Promise<void>; host(): Promise<EngineHost> }
  /** Each compose service's limits, from compose.yaml as it is now. */
  serviceLimits: () => Record<string, ServiceLimits>
  notificationSettings: NotificationSettingsStore | null
}

export function fleetHandlers({ engine, serviceLimits, notificationSettings }: FleetParts): {
  [K in FleetOperation]: Handler<K>
} {
  const store = (): NotificationSettingsStore => {
    if (notificationSettings !== null) return notificationSettings
    throw new StackError(
      'NotificationSettingsUnavailable',
      'This shell keeps no notification settings.',
      'The web shell keeps them in the browser (localStorage); the desktop app in ~/.config/scrapedeck/notifications.json.'
    )
  }
  return {
    hostInfo: async (): Promise<HostInfo> => {
      await engine.requireConnected()
      return { ...(await engine.host()), serviceLimits: serviceLimits() }
    },
    notificationSettings: async () => store().read(),
    setNotificationSettings: async (r) => store().write(r)
  }
}
