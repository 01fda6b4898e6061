import { afterEach, describe, expect, it, vi } from 'vitest'
import { amqpUriFromEnv, elasticsearchUrlFromEnv } from './env'

describe('service endpoints from the environment', () => {
  afterEach(() => vi.unstubAllEnvs())

  it("fill the stack's credentials (its env_file) into a URI that names no user", () => {
    vi.stubEnv('AMQP_URI', 'amqp://rabbitmq:5672')
    vi.stubEnv('ELASTICSEARCH_URL', 'http://elasticsearch:9200')
    vi.stubEnv('RABBITMQ_DEFAULT_USER', 'deck-1')
    vi.stubEnv('RABBITMQ_DEFAULT_PASS', 'pw-1')
    vi.stubEnv('ELASTIC_PASSWORD', 'pw-2')
    expect(amqpUriFromEnv()).toBe('amqp://deck-1:pw-1@rabbitmq:5672')
    expect(elasticsearchUrlFromEnv()).toBe('http://elastic:pw-2@elasticsearch:9200')
  })

  it('keep a URI that names its user, and add nothing when no credentials are set', () => {
    vi.stubEnv('AMQP_URI', 'amqp://guest:guest@127.0.0.1:16672')
    vi.stubEnv('RABBITMQ_DEFAULT_USER', 'deck-1')
    vi.stubEnv('RABBITMQ_DEFAULT_PASS', 'pw-1')
    vi.stubEnv('ELASTICSEARCH_URL', 'http://127.0.0.1:19200')
    vi.stubEnv('ELASTIC_PASSWORD', '')
    expect(amqpUriFromEnv()).toBe('amqp://guest:guest@127.0.0.1:16672')
    expect(elasticsearchUrlFromEnv()).toBe('http://127.0.0.1:19200')
  })
})
