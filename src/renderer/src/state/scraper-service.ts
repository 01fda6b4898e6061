import type { PanelConfig } from '../../../shared/contract'
import { rpcQueueName } from '../../../shared/rpc-names'

/** The compose service whose replicas are scaled and charted (compose.yaml's `scraper` by default). */
export function scraperComposeService(config: PanelConfig | null): string {
  return config?.scraperComposeService ?? 'scraper'
}

/** The scraper's RPC queue: Nameko names it `rpc-<service>`. */
export function scraperQueue(config: PanelConfig | null): string | null {
  return config === null ? null : rpcQueueName(config.scraperService)
}
