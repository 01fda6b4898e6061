import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CREDENTIALS_FILE_NAME,
  CredentialsFileError,
  credentialsFilePath,
  ensureCredentialsFile,
  generateCredentials
} from './credentials-file'
import { ensureStackCredentials, loadPanelConfig } from '../config/panel-config'
import { secretMasker } from '../../shared/secret-mask'

function projectDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deck-creds-'))
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  a:\n    image: x\n')
  return dir
}

describe('the stack credentials file', () => {
  it('is written on first need, 0600, with fresh values, and read back unchanged after', () => {
    const dir = projectDir()
    const path = credentialsFilePath(join(dir, 'compose.yaml'))
    expect(path).toBe(join(dir, CREDENTIALS_FILE_NAME))
    const first = ensureCredentialsFile(path)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(first.rabbitmqUser).toMatch(/^deck-[0-9a-f]{8}$/)
    expect(first.rabbitmqPassword).toMatch(/^[\w-]{32}$/)
    expect(first.elasticPassword).not.toBe(first.rabbitmqPassword)
    expect(readFileSync(path, 'utf8')).toContain(`RABBITMQ_DEFAULT_PASS=${first.rabbitmqPassword}\n`)
    expect(ensureCredentialsFile(path)).toEqual(first)
    expect(generateCredentials()).not.toEqual(first)
  })

  it('narrows a file others may read to 0600', () => {
    const path = join(projectDir(), CREDENTIALS_FILE_NAME)
    ensureCredentialsFile(path)
    chmodSync(path, 0o644)
    ensureCredentialsFile(path)
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  it('refuses a file with a value missing or with characters the images cannot take, naming the variable', () => {
    const path = join(projectDir(), CREDENTIALS_FILE_NAME)
    writeFileSync(path, 'RABBITMQ_DEFAULT_USER=deck\nRABBITMQ_DEFAULT_PASS=x\n', { mode: 0o600 })
    expect(() => ensureCredentialsFile(path)).toThrow(CredentialsFileError)
    expect(() => ensureCredentialsFile(path)).toThrow(/has no ELASTIC_PASSWORD/)
    writeFileSync(path, 'RABBITMQ_DEFAULT_USER=deck\nRABBITMQ_DEFAULT_PASS=a"b\nELASTIC_PASSWORD=y\n')
    expect(() => ensureCredentialsFile(path)).toThrow(/RABBITMQ_DEFAULT_PASS in .* has characters other than/)
  })
})

describe('the panel settings from the credentials file', () => {
  it('put the generated user into the AMQP URI, the management login and the Elasticsearch URL, and list every password as a secret', () => {
    const dir = projectDir()
    expect(ensureStackCredentials({ DECK_COMPOSE_FILE: 'compose.yaml' }, dir)).toBe(join(dir, CREDENTIALS_FILE_NAME))
    const settings = loadPanelConfig({ DECK_COMPOSE_FILE: 'compose.yaml' }, dir)
    const credentials = ensureCredentialsFile(join(dir, CREDENTIALS_FILE_NAME))
    expect(settings.credentialsFile).toBe(join(dir, CREDENTIALS_FILE_NAME))
    expect(settings.amqpUri).toBe(`amqp://${credentials.rabbitmqUser}:${credentials.rabbitmqPassword}@127.0.0.1:5672`)
    expect([settings.managementUser, settings.managementPassword]).toEqual([
      credentials.rabbitmqUser,
      credentials.rabbitmqPassword
    ])
    expect(settings.elasticsearchUrl).toBe(`http://elastic:${credentials.elasticPassword}@127.0.0.1:9200`)
    expect(settings.secrets.sort()).toEqual([credentials.rabbitmqPassword, credentials.elasticPassword].sort())
    const shown = secretMasker(settings.secrets)(JSON.stringify(settings))
    expect(shown).not.toContain(credentials.rabbitmqPassword)
    expect(shown).not.toContain(credentials.elasticPassword)
  })

  it('are loaded without writing a file: before the credentials step the endpoints carry no user', () => {
    const dir = projectDir()
    const settings = loadPanelConfig({ DECK_COMPOSE_FILE: 'compose.yaml' }, dir)
    expect(readdirSync(dir)).toEqual(['compose.yaml'])
    expect(existsSync(join(dir, CREDENTIALS_FILE_NAME))).toBe(false)
    expect(settings.credentialsFile).toBe(join(dir, CREDENTIALS_FILE_NAME))
    expect([settings.amqpUri, settings.elasticsearchUrl, settings.secrets]).toEqual([
      'amqp://127.0.0.1:5672',
      'http://127.0.0.1:9200',
      []
    ])
  })

  it('the credentials step writes nothing when there is no compose file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deck-creds-'))
    expect(ensureStackCredentials({ DECK_COMPOSE_FILE: 'compose.yaml' }, dir)).toBeNull()
    expect(readdirSync(dir)).toEqual([])
  })

  it('an explicit AMQP_URI wins, and the management login follows its user', () => {
    const settings = loadPanelConfig(
      {
        DECK_COMPOSE_FILE: 'compose.yaml',
        AMQP_URI: 'amqp://guest:guest@127.0.0.1:16672',
        ELASTICSEARCH_URL: 'http://127.0.0.1:19200'
      },
      projectDir()
    )
    expect([settings.amqpUri, settings.managementUser, settings.managementPassword, settings.elasticsearchUrl]).toEqual(
      ['amqp://guest:guest@127.0.0.1:16672', 'guest', 'guest', 'http://127.0.0.1:19200']
    )
  })
})
