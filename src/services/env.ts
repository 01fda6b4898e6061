/** Typed reads of the environment variables that configure a service. */

export function envString(name: string, fallback: string): string {
  const value = process.env[name]
  return value === undefined || value === '' ? fallback : value
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`Environment variable ${name} must be a non-negative integer, got "${raw}"`)
  }
  return value
}

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value)) throw new Error(`Environment variable ${name} must be a number, got "${raw}"`)
  return value
}

export const DEFAULT_AMQP_URI = 'amqp://guest:guest@127.0.0.1:5672'
export const DEFAULT_ELASTICSEARCH_URL = 'http://127.0.0.1:9200'
export const DEFAULT_SCRAPER_SERVICE = 'stack_overflow_job_listings_scraping_microservice'
/** The scraper's `{id}` URL on the local job board (src/services/jobboard). */
export const DEFAULT_SOURCE_URL_TEMPLATE = 'http://127.0.0.1:8081/jobs/{id}'
