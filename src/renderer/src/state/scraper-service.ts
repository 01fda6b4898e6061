import type { PanelConfig } from '../../../shared/contract'

/**
 * The compose service whose replicas are scaled and charted. The contract's PanelConfig names
 * only the scraper's Nameko service, not its compose service, so this is compose.yaml's name.
 */
export const SCRAPER_COMPOSE_SERVICE = 'scraper'

/** The scraper's RPC queue: Nameko names it `rpc-<service>`. */
export function scraperQueue(config: PanelConfig | null): string | null {
  return config === null ? null : `rpc-${config.scraperService}`
}
