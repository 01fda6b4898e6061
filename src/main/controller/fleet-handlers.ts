/**
 * The fleet operations: the host line, stats follows (a stream the client owns, fed by the
 * shared per-container streams of stats-watch.ts) and the desktop app's notification
 * settings. The web shell keeps its notification settings in the browser, so where no store
 * is wired the settings operations say so.
 */
import type { OperationName, OperationResponse, ParsedRequest } from '../../shared/contract'
import type { HostInfo, ServiceLimits } from '../../shared/fleet-stats'
import type { ClientChannel } from '../session/client-channel'
import type { EngineHost } from '../stack/engine-host'
import { StackError } from '../stack/stack-error'
import type { NotificationSettingsStore } from '../notifications/settings-file'
import type { StatsWatches } from './stats-watch'

type FleetOperation = 'hostInfo' | 'statsFollow' | 'statsUnfollow' | 'notificationSettings' | 'setNotificationSettings'
type Handler<K extends OperationName> = (request: ParsedRequest<K>, client: ClientChannel) => Promise<OperationResponse<K>>

export interface FleetParts {
  engine: { requireConnected(): Promise<void>; host(): Promise<EngineHost> }
  watches: Pick<StatsWatches, 'watch'>
  /** Each compose service's limits, from compose.yaml as it is now. */
  serviceLimits: () => Record<string, ServiceLimits>
  notificationSettings: NotificationSettingsStore | null
}

export function fleetHandlers({ engine, watches, serviceLimits, notificationSettings }: FleetParts): { [K in FleetOperation]: Handler<K> } {
  const store = (): NotificationSettingsStore => {
    if (notificationSettings !== null) return notificationSettings
    throw new StackError('NotificationSettingsUnavailable', 'This shell keeps no notification settings.', 'The web shell keeps them in the browser (localStorage); the desktop app in ~/.config/scrapedeck/notifications.json.')
  }
  return {
    hostInfo: async (): Promise<HostInfo> => {
      await engine.requireConnected()
      return { ...(await engine.host()), serviceLimits: serviceLimits() }
    },
    statsFollow: async (r, client) => {
      const followId = r.followId ?? client.newStreamId()
      let ended = false
      let stop = (): void => {}
      const end = (reason: string): void => {
        if (ended) return
        ended = true
        stop()
        client.release(followId)
        client.send('statsEnd', { followId, reason })
      }
      client.own(followId, () => end('stopped'))
      const wanted = (service: string): boolean => r.service === undefined || service === r.service
      const watch = await watches.watch({
        onReading: (stats) => {
          if (!ended && wanted(stats.service)) client.send('statsSample', { followId, stats })
        },
        onEnd: end
      })
      stop = watch.stop
      if (ended) watch.stop()
      return { followId, history: watch.history.filter((h) => wanted(h.service)) }
    },
    statsUnfollow: async (r, client) => ({ stopped: client.stop(r.followId) }),
    notificationSettings: async () => store().read(),
    setNotificationSettings: async (r) => store().write(r)
  }
}
