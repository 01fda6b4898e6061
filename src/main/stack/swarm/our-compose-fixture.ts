/**
 * The repository's compose.yaml, loaded for a unit test: copied into a temporary folder with
 * credentials of its own (the file reads them from .credentials.env beside it), so the test
 * neither needs nor writes the checkout's credentials.
 */
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { parseComposeText } from '../compose-file'
import type { ComposeProject } from '../compose-model'
import { credentialsFilePath, ensureCredentialsFile } from '../credentials-file'

export function loadOurCompose(project: string): ComposeProject {
  const dir = mkdtempSync(join(tmpdir(), 'deck-swarm-compose-'))
  const file = join(dir, 'compose.yaml')
  copyFileSync(resolve(__dirname, '../../../../compose.yaml'), file)
  ensureCredentialsFile(credentialsFilePath(file))
  return parseComposeText(readFileSync(file, 'utf8'), { file, project, env: { SCRAPER_SOURCE_URL_TEMPLATE: 'http://jobboard:8081/jobs/{id}' } })
}
