/**
 * The repository's compose.yaml (and its .env), for a test: copied into a temporary folder
 * with credentials of its own (the file reads them from .credentials.env beside it, which a
 * fresh clone does not have yet), so the test neither needs nor writes the checkout's credentials.
 */
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { parseComposeText } from '../../src/main/stack/compose-file'
import type { ComposeProject } from '../../src/main/stack/compose-model'
import { credentialsFilePath, ensureCredentialsFile } from '../../src/main/stack/credentials-file'

const REPO = resolve(__dirname, '../..')

/** A folder holding copies of compose.yaml and .env, and a credentials file; returns the compose file's path. */
export function copyOurCompose(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deck-our-compose-'))
  const file = join(dir, 'compose.yaml')
  copyFileSync(join(REPO, 'compose.yaml'), file)
  copyFileSync(join(REPO, '.env'), join(dir, '.env'))
  ensureCredentialsFile(credentialsFilePath(file))
  return file
}

export function loadOurCompose(project: string): ComposeProject {
  const file = copyOurCompose()
  return parseComposeText(readFileSync(file, 'utf8'), {
    file,
    project,
    env: { SCRAPER_SOURCE_URL_TEMPLATE: 'http://jobboard:8081/jobs/{id}' }
  })
}
