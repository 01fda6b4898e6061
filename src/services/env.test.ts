import { afterEach, describe, expect, it, vi } from 'vitest'
import { amqpUriFromEnv, elasticsearchUrlFromEnv } from './env'

function stubEnv(vars: Record<string, string>): void {
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value)
}

describe('service endpoints from the environment', () => {
  afterEach(() => vi.unstubAllEnvs())

  it("fill the stack's credentials (its env_file) into a URI that names no user", () => {
    stubEnv({
      AMQP_URI: 'amqp://rabbitmq:5672',
      ELASTICSEARCH_URL: 'http://elasticsearch:9200',
      RABBITMQ_DEFAULT_USER: 'deck-1',
      RABBITMQ_DEFAULT_PASS: 'pw-1',
      ELASTIC_PASSWORD: 'pw-2'
    })
    expect(amqpUriFromEnv()).toBe('amqp://deck-1:pw-1@rabbitmq:5672')
    expect(elasticsearchUrlFromEnv()).toBe('http://elastic:pw-2@elasticsearch:9200')
  })

  it('keep a URI that names its user, and add nothing when no credentials are set', () => {
    stubEnv({
      AMQP_URI: 'amqp://guest:guest@127.0.0.1:16672',
      ELASTICSEARCH_URL: 'http://127.0.0.1:19200',
      RABBITMQ_DEFAULT_USER: 'deck-1',
      RABBITMQ_DEFAULT_PASS: 'pw-1',
      ELASTIC_PASSWORD: ''
    })
    expect(amqpUriFromEnv()).toBe('amqp://guest:guest@127.0.0.1:16672')
    expect(elasticsearchUrlFromEnv()).toBe('http://127.0.0.1:19200')
  })
})
