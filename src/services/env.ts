/** Typed reads of the environment variables that configure a service. */
import { CREDENTIAL_VARIABLES, ELASTIC_USER, withUserinfo } from '../shared/stack-credentials'

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

const DEFAULT_AMQP_URI = 'amqp://127.0.0.1:5672'
export const DEFAULT_ELASTICSEARCH_URL = 'http://127.0.0.1:9200'
export const DEFAULT_SCRAPER_SERVICE = 'stack_overflow_job_listings_scraping_microservice'
/** The scraper's `{id}` URL on the local job board (src/services/jobboard). */
export const DEFAULT_SOURCE_URL_TEMPLATE = 'http://127.0.0.1:8081/jobs/{id}'

/**
 * AMQP_URI, with the stack's user and password (RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS,
 * which compose.yaml passes from the credentials file) when the URI names no user.
 */
export function amqpUriFromEnv(): string {
  return withUserinfo(
    envString('AMQP_URI', DEFAULT_AMQP_URI),
    process.env[CREDENTIAL_VARIABLES.rabbitmqUser],
    process.env[CREDENTIAL_VARIABLES.rabbitmqPassword]
  )
}

/** ELASTICSEARCH_URL, as the `elastic` user with ELASTIC_PASSWORD (the credentials file) when it names no user. */
export function elasticsearchUrlFromEnv(): string {
  const password = process.env[CREDENTIAL_VARIABLES.elasticPassword]
  return withUserinfo(
    envString('ELASTICSEARCH_URL', DEFAULT_ELASTICSEARCH_URL),
    password ? ELASTIC_USER : undefined,
    password
  )
}

/** Where the stack's log goes: LOG_ELASTICSEARCH_URL, else ELASTICSEARCH_URL (with ELASTIC_PASSWORD as above when it names no user). */
export function logElasticsearchUrlFromEnv(): string {
  const password = process.env[CREDENTIAL_VARIABLES.elasticPassword]
  return withUserinfo(
    envString('LOG_ELASTICSEARCH_URL', envString('ELASTICSEARCH_URL', DEFAULT_ELASTICSEARCH_URL)),
    password ? ELASTIC_USER : undefined,
    password
  )
}
