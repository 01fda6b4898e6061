import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadComposeProject, parseComposeText } from './compose-file'
import { composeProjectName, composeVariables } from './compose-settings'
import { STACK_PORTS, publishedPort } from './stack-ports'
import { ensureStackCredentials, loadPanelConfig } from '../config/panel-config'
import { copyOurCompose } from '../../../test/support/our-compose'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'deck-settings-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

describe('project name, as Compose picks it', () => {
  const compose = 'name: fromfile\nservices:\n  a:\n    image: x\n'

  it('-p (DECK_PROJECT) over COMPOSE_PROJECT_NAME (shell over .env) over `name:` over the directory', () => {
    const dir = projectDir({ 'compose.yaml': compose, '.env': 'COMPOSE_PROJECT_NAME=fromdotenv\n' })
    const file = join(dir, 'compose.yaml')
    expect(loadComposeProject({ file, envFiles: ['.env'], env: {} }).project).toBe('fromdotenv')
    expect(loadComposeProject({ file, envFiles: ['.env'], env: { COMPOSE_PROJECT_NAME: 'fromshell' } }).project).toBe(
      'fromshell'
    )
    expect(loadComposeProject({ file, project: 'flag', envFiles: ['.env'], env: {} }).project).toBe('flag')
    expect(loadComposeProject({ file, env: {} }).project).toBe('fromfile')
    expect(
      parseComposeText('services:\n  a:\n    image: x\n', { file: join(dir, 'compose.yaml'), env: {} }).project
    ).toBe(
      dir
        .split('/')
        .at(-1)
        ?.toLowerCase()
        .replace(/[^a-z0-9_-]/g, '')
    )

    expect(loadPanelConfig({ DECK_COMPOSE_FILE: file, DECK_ENV_FILES: '.env' }, dir).project).toBe('fromdotenv')
    expect(loadPanelConfig({ DECK_COMPOSE_FILE: file, DECK_ENV_FILES: 'none.env' }, dir).project).toBe('fromfile')
    expect(loadPanelConfig({ DECK_COMPOSE_FILE: file, DECK_PROJECT: 'mine' }, dir).project).toBe('mine')
  })

  it('the repository: every tool calls the stack "scrapedeck", whatever the checkout is named', () => {
    // A copy in a folder of another name: the name comes from the files, not the folder.
    const file = copyOurCompose()
    const variables = composeVariables(file, ['.env'], {})
    expect(composeProjectName(file, variables)).toBe('scrapedeck')
    expect(loadComposeProject({ file, envFiles: ['.env'], env: {} }).project).toBe('scrapedeck')
    expect(loadPanelConfig({ DECK_COMPOSE_FILE: file }, dirname(file)).project).toBe('scrapedeck')
  })
})

describe("the panel's endpoints follow the stack's published ports", () => {
  it('STACK_PORTS are the variables and defaults compose.yaml publishes with', () => {
    const project = loadComposeProject({ file: copyOurCompose(), envFiles: ['.env'], env: {} })
    const published = [...project.services.values()].flatMap((s) =>
      s.ports.map((p) => [p.publishedVariable, p.published])
    )
    expect(published.sort()).toEqual(
      Object.values(STACK_PORTS)
        .map((p) => [p.variable, p.default])
        .sort()
    )
  })

  it('defaults from RABBITMQ_PORT, RABBITMQ_MANAGEMENT_PORT, ELASTICSEARCH_PORT (shell over .env); explicit URLs win', () => {
    const dir = projectDir({
      'compose.yaml': 'services:\n  a:\n    image: x\n',
      '.env': 'RABBITMQ_PORT=35672\nELASTICSEARCH_PORT=39200\n'
    })
    ensureStackCredentials({ DECK_COMPOSE_FILE: 'compose.yaml' }, dir)
    const config = loadPanelConfig(
      { DECK_COMPOSE_FILE: 'compose.yaml', RABBITMQ_MANAGEMENT_PORT: '35673', ELASTICSEARCH_PORT: '49200' },
      dir
    )
    expect(config.amqpUri).toMatch(/^amqp:\/\/deck-[0-9a-f]{8}:[\w-]{32}@127\.0\.0\.1:35672$/)
    expect(config.managementUrl).toBe('http://127.0.0.1:35673')
    expect(config.elasticsearchUrl).toMatch(/^http:\/\/elastic:[\w-]{32}@127\.0\.0\.1:49200$/)
    expect(
      loadPanelConfig({ DECK_COMPOSE_FILE: 'compose.yaml', AMQP_URI: 'amqp://u:p@127.0.0.1:1' }, dir).amqpUri
    ).toBe('amqp://u:p@127.0.0.1:1')
    // No compose file: no stack, so no credentials to derive (and none invented).
    expect(loadPanelConfig({ DECK_COMPOSE_FILE: join(projectDir({}), 'compose.yaml') }, dir).amqpUri).toBe(
      'amqp://127.0.0.1:5672'
    )
  })

  it('a port variable that is not a port is an error naming it', () => {
    expect(() => publishedPort(STACK_PORTS.amqp, { RABBITMQ_PORT: 'amqp' })).toThrow(
      'RABBITMQ_PORT must be a port number (1–65535), got "amqp"'
    )
    expect(() => loadPanelConfig({ DECK_COMPOSE_COMPAT: 'v3' }, REPO)).toThrow(/DECK_COMPOSE_COMPAT must be "v1"/)
  })
})
