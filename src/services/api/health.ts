/**
 * GET /health: can this API serve lookups? It can while either path works — the scraper
 * (through the broker) or the cache (Elasticsearch). Both up: ok; one: degraded (still
 * 200); neither: down (503).
 */
import type { ElasticsearchHealth } from '../listings/listings-service'

export type BrokerState = 'connected' | 'disconnected' | 'not-used'

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down'
  broker: { status: BrokerState; scraperService: string | null }
  elasticsearch: ElasticsearchHealth & { status: 'up' | 'down' }
  scrapesInFlight: number
}

export function healthReport(
  broker: BrokerState,
  scraperService: string | null,
  es: ElasticsearchHealth,
  scrapesInFlight: number
): HealthReport {
  const esUp = es.clusterStatus !== null && es.clusterStatus !== 'red'
  const scraperUp = broker !== 'disconnected'
  const status = esUp && scraperUp ? 'ok' : esUp || scraperUp ? 'degraded' : 'down'
  return {
    status,
    broker: { status: broker, scraperService },
    elasticsearch: { ...es, status: esUp ? 'up' : 'down' },
    scrapesInFlight
  }
}

export function healthStatusCode(report: HealthReport): number {
  return report.status === 'down' ? 503 : 200
}
